import { SERVICE_LIMITS } from '../../config/defaults.js'

/**
 * Every number the local rules decide by, in one place. Calibrated on the labelled corpus with
 * `npm run calibrate` (see the README for the figures); each sits in the gap between the passes and
 * the rejects it separates, not on a single file.
 */
export const THRESHOLDS = {
  /** A detected person counts at or above this MoveNet person score. */
  personScore: 0.3,
  /** A keypoint is visible at or above this score. */
  keypointScore: 0.3,
  /**
   * Shoulder width over torso length, signed (positive when the person faces the camera). Frontal
   * photos measure 0.6–0.9; side views 0.2–0.45; a back view is negative.
   */
  minShoulderRatio: 0.5,
  /** Torso lean from vertical, degrees: standing photos lean under 20°, bending over far more. */
  maxTorsoTiltDegrees: 35,
  /** Hip-to-knee drop over torso length: standing 0.7–0.95, sitting with thighs level well under. */
  minKneeDrop: 0.45,
  /** A knee this close to the bottom edge (fraction of height) means the frame cuts the legs. */
  frameCutsLegsAt: 0.9,
  /** An ankle predicted above this (fraction of height) is inside the frame, so it should be seen. */
  ankleInsideFrameBelow: 0.95,
  /** A wrist nearer the nose than this many torso lengths covers the face. */
  minWristToNose: 0.5,
  /** Nose offset from the eyes' midpoint over eye distance: frontal faces under 0.3, turned heads more. */
  maxNoseOffset: 0.45,
  /**
   * Mean luma (0–255) under which a photo is too dark: the dimmest labelled photo measures 33, the
   * darkest labelled pass 65.
   */
  minMeanLuma: 40,
} as const

/** DashScope's input limits (from the one table), and the model's working size. */
export const LIMITS = {
  maxLongestSide: SERVICE_LIMITS.maxLongestSide,
  minShortestSide: SERVICE_LIMITS.minShortestSide,
  maxFileBytes: SERVICE_LIMITS.maxFileBytes,
  /** The pose model's working size (longest side, pixels). */
  workingSize: 256,
  /**
   * Most scans (SOS markers) a JPEG may have before it is refused undecoded. Encoders write 1
   * (baseline) to about 10 (libjpeg's and mozjpeg's progressive scripts), so 256 is far above any
   * real photo; and each scan costs a pass over the blocks it covers: mozjpeg decodes a 4000×4000 file of 2000 repeated one-symbol scans (124 KB)
   * in 5.4 s, 250 of them in 0.8 s.
   */
  maxJpegScans: 256,
  /**
   * Wall time one image may take in a worker (decode, downscale, inference) before the worker is
   * stopped and replaced. The slowest images `npm run bench` measures on a busy 2-core machine: a
   * 4095×4095 JPEG in 0.8 s, a 4000×4000 progressive JPEG at the scan limit in 1.9 s; 10 s leaves
   * room for a slower runner, and a stuck decoder costs at most that.
   */
  imageBudgetMs: 10_000,
  /**
   * Decoded size (pixels) above which a worker's JPEG/WEBP decoder instance is replaced after use,
   * releasing WebAssembly memory that otherwise stays at its largest. Re-instantiating costs about
   * a millisecond; a 2 MP photo (1600×1250) holds 8 MB in the decoder, so smaller ones are not worth it.
   * Peak RSS of two workers over the corpus (three runs each): about 770 MB without, 710 MB with.
   */
  codecReleasePixels: 2_000_000,
} as const
