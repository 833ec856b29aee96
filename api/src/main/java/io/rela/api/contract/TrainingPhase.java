package io.rela.api.contract;

/** The two phases of a run: predicting the prior's targets on a subset (ReLA), then BYOL. */
public enum TrainingPhase { ReLA, BYOL }
