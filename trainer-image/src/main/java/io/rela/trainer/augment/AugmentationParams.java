package io.rela.trainer.augment;

/**
 * The knobs of one view's augmentation, with the two pipelines of RELA.md as factories.
 *
 * @param cropScaleMin smallest crop area as a fraction of the image
 * @param cropScaleMax largest crop area
 * @param flipP probability of a horizontal flip
 * @param brightness colour jitter strengths (factor drawn from [1-x, 1+x]; hue from [-x, x])
 * @param jitterP probability of applying colour jitter
 * @param greyP probability of greyscale
 * @param blurP probability of Gaussian blur (sigma in [0.1, 2])
 * @param solarizeP probability of solarisation
 */
public record AugmentationParams(double cropScaleMin, double cropScaleMax, double flipP, float brightness,
    float contrast, float saturation, float hue, double jitterP, double greyP, double blurP, double solarizeP) {

  /** The ReLA phase's view: mild crops, strong jitter, no blur or solarisation. */
  public static AugmentationParams rela() {
    return new AugmentationParams(0.5, 1.0, 0.5, 0.8f, 0.8f, 0.8f, 0.2f, 0.8, 0.2, 0.0, 0.0);
  }

  /** BYOL's two asymmetric views; blur is off for images of 32 px or less. */
  public static AugmentationParams byol(int view, int imageSize) {
    boolean small = imageSize <= 32;
    double blur = small ? 0.0 : (view == 1 ? 1.0 : 0.1);
    double solarize = view == 1 ? 0.0 : 0.2;
    return new AugmentationParams(0.08, 1.0, 0.5, 0.4f, 0.4f, 0.2f, 0.1f, 0.8, 0.2, blur, solarize);
  }
}
