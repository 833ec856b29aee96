package io.rela.trainer.data;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JPEG decoding with libjpeg-turbo (SIMD) through its own Java binding, TurboJPEG, when the
 * machine has it (Debian: libturbojpeg-java; the trainer image carries it): Java's ImageIO
 * decoder is the slowest step of the 224 px pipeline. The binding is loaded from its jar at
 * run time, so the trainer builds and runs without it and falls back to ImageIO.
 */
public final class TurboJpeg {

  /** Where Debian installs the binding; {@code -Drela.turbojpeg.jar} points elsewhere. */
  static final String DEFAULT_JAR = "/usr/share/java/turbojpeg.jar";
  /** TJ.PF_RGB: interleaved R, G, B bytes. */
  private static final int PF_RGB = 0;

  private static final TurboJpeg INSTANCE = load();

  private final Constructor<?> decompressor;
  private final Method width;
  private final Method height;
  private final Method decompress;
  private final Method close;

  private TurboJpeg(Class<?> tj) throws ReflectiveOperationException {
    this.decompressor = tj.getConstructor(byte[].class);
    this.width = tj.getMethod("getWidth");
    this.height = tj.getMethod("getHeight");
    this.decompress = tj.getMethod("decompress", byte[].class, int.class, int.class, int.class, int.class, int.class,
        int.class, int.class);
    this.close = tj.getMethod("close");
  }

  /** The decoder, or null when libjpeg-turbo's binding is not installed (ImageIO then decodes). */
  public static TurboJpeg get() {
    return INSTANCE;
  }

  /** Which JPEG decoder the trainer uses here, for logs and the environment report. */
  public static String describe() {
    return INSTANCE != null ? "libjpeg-turbo (TurboJPEG, " + jarPath() + ")" : "ImageIO (libjpeg-turbo's TurboJPEG binding not found)";
  }

  private static Path jarPath() {
    return Path.of(System.getProperty("rela.turbojpeg.jar", DEFAULT_JAR));
  }

  private static TurboJpeg load() {
    Path jar = jarPath();
    if (!Files.isRegularFile(jar)) {
      return null;
    }
    try {
      @SuppressWarnings("resource") // lives as long as the process: the decoder's classes come from it
      URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, TurboJpeg.class.getClassLoader());
      TurboJpeg t = new TurboJpeg(Class.forName("org.libjpegturbo.turbojpeg.TJDecompressor", true, loader));
      // loads the native library now, so a broken installation falls back instead of failing later
      Class.forName("org.libjpegturbo.turbojpeg.TJ", true, loader).getMethod("getScalingFactors").invoke(null);
      return t;
    } catch (ReflectiveOperationException | LinkageError | java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** Decoded pixels: interleaved RGB bytes, h x w. */
  public record Rgb(byte[] pixels, int h, int w) {}

  /** Decodes a JPEG file's bytes to RGB, or returns null when libjpeg-turbo cannot (the caller then tries ImageIO). */
  public Rgb decode(byte[] jpeg) {
    try {
      Object d = decompressor.newInstance((Object) jpeg);
      try {
        int w = (int) width.invoke(d);
        int h = (int) height.invoke(d);
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        decompress.invoke(d, rgb, 0, 0, w, w * 3, h, PF_RGB, 0);
        return new Rgb(rgb, h, w);
      } finally {
        close.invoke(d);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
