package io.rela.trainer.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rela.api.spec.DatasetFormat;
import io.rela.trainer.augment.Augmentation;
import io.rela.trainer.augment.AugmentationParams;
import io.rela.trainer.data.Batch;
import io.rela.trainer.data.BatchLoader;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.ImageFolderDataset;
import io.rela.trainer.data.Preprocess;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The 224 px input pipeline's throughput: JPEG decode plus each augmentation pipeline (BYOL's
 * two views, ReLA's two views, the evaluation's Resize + CenterCrop), over an ImageFolder of
 * photo-sized JPEGs that {@code --generate} writes; images/s with a given number of workers,
 * the training loader's own code path. {@code bench/loader.sh} runs it beside torchvision's.
 */
@Command(name = "bench-loader", mixinStandardHelpOptions = true,
    description = "Images/s of JPEG decode + augmentation at 224 px (and --generate the test images).")
public final class LoaderBenchCommand implements Callable<Integer> {

  @Option(names = "--dir", required = true, description = "ImageFolder of JPEGs (written by --generate).")
  Path dir;

  @Option(names = "--generate", description = "Write this many JPEGs (about 500 x 375, quality 90) into --dir first.")
  int generate;

  @Option(names = "--workers", split = ",", description = "Worker counts to measure. Default: 1,<cores>.")
  List<Integer> workers;

  @Option(names = "--json", description = "Write the numbers here.")
  Path json;

  @Override
  public Integer call() throws Exception {
    if (generate > 0) {
      generate(dir, generate);
      System.out.println("wrote " + generate + " JPEGs to " + dir);
      return 0;
    }
    ImageDataset data = ImageFolderDataset.open(dir, 224, 3, false);
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    List<Integer> counts = workers != null ? workers : List.of(1, Runtime.getRuntime().availableProcessors());
    List<Map<String, Object>> rows = new ArrayList<>();
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int w : counts) {
      Augmentation b1 = new Augmentation(AugmentationParams.byol(1, 224), 224, mean, std);
      Augmentation b2 = new Augmentation(AugmentationParams.byol(2, 224), 224, mean, std);
      Augmentation rela = new Augmentation(AugmentationParams.rela(), 224, mean, std);
      rows.add(row("byol_two_views", w, data.size(), views(data, w, order, b1, b2)));
      rows.add(row("rela_two_views", w, data.size(), views(data, w, order, rela, rela)));
      rows.add(row("eval_resize_centercrop", w, data.size(), evaluation(data, w, mean, std)));
      rows.add(row("decode_only", w, data.size(), decodeOnly(data, w)));
    }
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), Map.of("rows", rows));
    }
    return 0;
  }

  private static Map<String, Object> row(String pipeline, int workers, int images, double seconds) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("side", "java");
    r.put("pipeline", pipeline);
    r.put("workers", workers);
    r.put("images", images);
    r.put("seconds", Math.round(seconds * 100) / 100.0);
    r.put("images_per_s", Math.round(images / seconds * 10) / 10.0);
    System.out.printf(Locale.ROOT, "java  %-24s workers=%d %8.1f images/s (%d images, %.1f s)%n", pipeline, workers,
        images / seconds, images, seconds);
    return r;
  }

  /** One pass of the training loader over every image (the first batches warm the JIT and are timed too). */
  private static double views(ImageDataset data, int workers, int[] order, Augmentation v1, Augmentation v2) {
    try (BatchLoader loader = new BatchLoader(data, 224, workers, 0)) {
      // warm-up on a few batches, then the timed pass
      Iterator<Batch> warm = loader.epoch(0, java.util.Arrays.copyOf(order, Math.min(order.length, 64)), 32, 0, v1, v2);
      while (warm.hasNext()) {
        warm.next();
      }
      long t0 = System.nanoTime();
      Iterator<Batch> it = loader.epoch(1, order, 32, 0, v1, v2);
      while (it.hasNext()) {
        it.next();
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /** JPEG decode (and conversion to CHW floats) alone: what every pipeline pays first. */
  private static double decodeOnly(ImageDataset data, int workers) throws Exception {
    return timed(data.size(), workers, (from, n) -> {
      for (int i = from; i < from + n; i++) {
        data.read(i);
      }
    });
  }

  private static double evaluation(ImageDataset data, int workers, float[] mean, float[] std) throws Exception {
    Preprocess pre = Preprocess.evaluation(DatasetFormat.ImageFolder, 224, 3, mean, std);
    pre.batch(data, 0, Math.min(64, data.size()));
    return timed(data.size(), workers, (from, n) -> pre.batch(data, from, n));
  }

  /** Seconds to run {@code work} over [0, n) in slices of 32 on {@code workers} threads. */
  private static double timed(int n, int workers, java.util.function.BiConsumer<Integer, Integer> work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      long t0 = System.nanoTime();
      List<Future<?>> parts = new ArrayList<>();
      for (int from = 0; from < n; from += 32) {
        int f = from;
        int count = Math.min(32, n - from);
        parts.add(pool.submit(() -> work.accept(f, count)));
      }
      for (Future<?> p : parts) {
        p.get();
      }
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Photo-like JPEGs: gradients, shapes and grain at about 500 x 375 (both orientations), quality 90. */
  static void generate(Path dir, int count) throws Exception {
    SplittableRandom rnd = new SplittableRandom(0);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    for (int i = 0; i < count; i++) {
      Path cls = dir.resolve("class" + (i % 10));
      Files.createDirectories(cls);
      boolean landscape = rnd.nextInt(4) != 0;
      int w = (landscape ? 500 : 375) + rnd.nextInt(21) - 10;
      int h = (landscape ? 375 : 500) + rnd.nextInt(21) - 10;
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setPaint(new GradientPaint(0, 0, new Color(rnd.nextInt(0x1000000)), w, h, new Color(rnd.nextInt(0x1000000))));
      g.fillRect(0, 0, w, h);
      for (int s = 0; s < 12; s++) {
        g.setColor(new Color(rnd.nextInt(0x1000000)));
        int x = rnd.nextInt(w);
        int y = rnd.nextInt(h);
        if (s % 2 == 0) {
          g.fillOval(x, y, 20 + rnd.nextInt(150), 20 + rnd.nextInt(150));
        } else {
          g.fillRect(x, y, 20 + rnd.nextInt(150), 20 + rnd.nextInt(150));
        }
      }
      g.dispose();
      for (int p = 0; p < w * h / 4; p++) {
        int x = rnd.nextInt(w);
        int y = rnd.nextInt(h);
        int c = img.getRGB(x, y);
        int d = rnd.nextInt(31) - 15;
        int r = Math.max(0, Math.min(255, ((c >> 16) & 0xff) + d));
        int gg = Math.max(0, Math.min(255, ((c >> 8) & 0xff) + d));
        int b = Math.max(0, Math.min(255, (c & 0xff) + d));
        img.setRGB(x, y, (r << 16) | (gg << 8) | b);
      }
      try (ImageOutputStream out = ImageIO.createImageOutputStream(cls.resolve(String.format("img%05d.jpg", i)).toFile())) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(img, null, null), param);
      }
    }
    writer.dispose();
  }
}
