package io.rela.operator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/** What the operator benchmarks share: writes fanned out over client threads, and CPU time from /proc. */
final class Writes {

  static final int CLIENT_THREADS = 16;

  private Writes() {}

  /** Runs {@code write} for 0..n-1 from {@link #CLIENT_THREADS} threads; the seconds it took and how many failed. */
  static Result fanOut(String what, int n, IntConsumer write) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
    long t0 = System.nanoTime();
    AtomicInteger failed = new AtomicInteger();
    for (int i = 0; i < n; i++) {
      int k = i;
      pool.submit(() -> {
        try {
          write.accept(k);
        } catch (RuntimeException e) {
          if (failed.getAndIncrement() == 0) {
            System.out.println(what + " failed: " + e.getMessage());
          }
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    return new Result((System.nanoTime() - t0) / 1e9, failed.get());
  }

  record Result(double seconds, int failed) {}

  /** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux); 0 once it is gone. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
