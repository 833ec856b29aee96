package io.rela.api.contract;

/** What the trainer is doing, as its progress reports say (serialised by name). */
public enum TrainerStage { Embedding, Training, Evaluating, Done }
