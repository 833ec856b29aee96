package io.rela.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.rela.trainer.data.Batch;
import io.rela.trainer.model.Networks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimiser step over every device the process has: the batch is cut into one slice per
 * device, each replica computes its slice's gradients (scaled by the slice's share of the
 * batch, so their sum is the full batch's mean gradient), the sum lands on the primary, the
 * primary steps (optimiser and EMA) and every replica gets the primary's new parameters,
 * BatchNorm statistics included. With one device this is a plain step; there is one code path.
 *
 * <p>Each replica's BatchNorm sees only its slice, as in the usual multi-GPU data parallel
 * without synchronised batch statistics.
 */
public final class DataParallel {

  /** Forward and backward of one slice on one replica; no optimiser step. */
  @FunctionalInterface
  public interface Backward {
    /**
     * @param ctx the replica
     * @param slice its part of the batch
     * @param scale the slice's share of the batch; multiply the loss by it before backward
     * @param collector the step's gradient collector (one at a time per process)
     * @return the slice's unscaled phase loss, as a scalar array not yet read, and its classifier hits
     */
    Pending run(StepContext ctx, Batch slice, float scale, GradientCollector collector);
  }

  /** A slice's loss, read only after every replica has been given its work; {@code scope} holds its arrays. */
  public record Pending(NDArray loss, long[] correct, NDManager scope) {}

  private final StepContext primary;
  private final List<StepContext> replicas;
  /** The primary, then the replicas: slice i goes to context i. */
  private final List<StepContext> contexts;
  private final Map<StepContext, Map<List<String>, Map<String, Parameter>>> trainable = new HashMap<>();

  /**
   * @param primary the networks the optimiser, EMA and checkpoints use (device 0)
   * @param replicas one context per further device, with networks of the same architecture
   */
  public DataParallel(StepContext primary, List<StepContext> replicas) {
    this.primary = primary;
    this.replicas = List.copyOf(replicas);
    List<StepContext> all = new ArrayList<>(List.of(primary));
    all.addAll(replicas);
    this.contexts = List.copyOf(all);
    broadcast();
  }

  public static DataParallel single(StepContext ctx) {
    return new DataParallel(ctx, List.of());
  }

  public StepContext primary() {
    return primary;
  }

  public int devices() {
    return contexts.size();
  }

  /** One step of the parts named by {@code parts}, the batch spread over every device. */
  public StepResult step(List<String> parts, Batch batch, Backward backward) {
    List<Batch> slices = contexts.size() == 1 ? List.of(batch) : batch.split(contexts.size());
    List<Pending> pending = new ArrayList<>(contexts.size());
    double loss = 0;
    long correct = 0;
    try {
      // one collector for all slices: kernels queue on every device before any result is read
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        for (int i = 0; i < contexts.size(); i++) {
          Batch slice = slices.get(i);
          if (slice.size() > 0) {
            pending.add(backward.run(contexts.get(i), slice, (float) slice.size() / batch.size(), gc));
          }
        }
      }
      for (int i = 0; i < pending.size(); i++) {
        loss += pending.get(i).loss().getFloat() * slices.get(i).size() / batch.size();
        correct += pending.get(i).correct()[0];
      }
    } finally {
      pending.forEach(p -> p.scope().close());
    }
    reduceGradients(parts);
    primary.step(params(primary, parts));
    broadcast();
    return new StepResult(loss, correct);
  }

  /** Adds every replica's gradients into the primary's and clears the replica's. */
  private void reduceGradients(List<String> parts) {
    if (replicas.isEmpty()) {
      return;
    }
    Map<String, Parameter> target = params(primary, parts);
    for (StepContext r : replicas) {
      Map<String, Parameter> source = params(r, parts);
      for (Map.Entry<String, Parameter> e : target.entrySet()) {
        NDArray from = source.get(e.getKey()).getArray();
        NDArray into = e.getValue().getArray();
        try (NDArray g = from.getGradient(); NDArray sum = into.getGradient();
            NDArray moved = g.toDevice(into.getDevice(), true)) {
          sum.addi(moved);
          g.subi(g);
        }
      }
    }
  }

  /** Copies the primary's parameters (online, target, heads, BatchNorm statistics) to every replica. */
  private void broadcast() {
    for (StepContext r : replicas) {
      for (String part : primary.nets.partNames()) {
        List<Parameter> from = Networks.parameters(primary.nets.part(part));
        List<Parameter> to = Networks.parameters(r.nets.part(part));
        for (int i = 0; i < from.size(); i++) {
          NDArray dst = to.get(i).getArray();
          try (NDArray src = from.get(i).getArray().toDevice(dst.getDevice(), true)) {
            src.copyTo(dst);
          }
        }
      }
    }
  }

  private Map<String, Parameter> params(StepContext ctx, List<String> parts) {
    return trainable.computeIfAbsent(ctx, k -> new HashMap<>()).computeIfAbsent(parts, p -> ctx.nets.trainable(p));
  }
}
