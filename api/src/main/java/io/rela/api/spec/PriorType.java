package io.rela.api.spec;

/** Kinds of prior model. */
public enum PriorType {
  /** A seeded, randomly initialised network of the student's architecture. */
  Random,
  /** The backbone another ReLATrainingJob trained. */
  Job,
  /** A TorchScript file whose forward(images) returns embeddings. */
  TorchScript,
  /** An ONNX file whose first output is the embedding. */
  ONNX
}
