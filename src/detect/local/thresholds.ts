import { SERVICE_LIMITS } from '../../config/defaults.js'

/**
 * Every number the local rules decide by, in one place. Calibrated on the labelled corpus with
 * `npm run calibrate` (see the README for the figures); each sits in the gap between the passes and
 * the rejects it separates, not on a single file.
 */
export const THRESHOLDS = {
  /** A detected person counts at or above this MoveNet person score. */
  personScore: 0.3,
  /**
   * A COCO detector person box counts at or above this score. Counting none / one / several on
   * the 87 dev photos that reach the models: 0.2 → 77 right, 0.25 → 79, 0.3 → 76, 0.35 → 73.
   */
  personBoxScore: 0.25,
  /**
   * People shorter than this fraction of the frame's height are not counted (the issue's "a person
   * about a tenth of the frame's height"); at 0.25 it takes the count from 76 to 79 right by
   * dropping tiny false boxes.
   */
  minPersonHeight: 0.1,
  /** A person box this much inside another (share of the smaller) is the same person: double detections measure 0.88–1.0 on the dev set, a background person beside the subject 0.70. */
  samePersonOverlap: 0.8,
  /** A MoveNet person belongs to a box holding this share of its visible keypoints (a majority; not tuned). */
  poseInBoxShare: 0.6,
  /**
   * A person box with no pose of its own counts only if at most this share of it lies inside a
   * body with a pose (a decorated mask or a bag read as a person lies inside its wearer's box).
   * Judgement; on the corpus the second people without a pose lie 0.00–0.49 inside the subject's.
   */
  maxShareInBody: 0.6,
  /** A weak person box (under personBoxScore) counts with a MoveNet pose of its own at or above this score… */
  weakPoseScore: 0.1,
  /** …and with at least this many visible keypoints. */
  weakPoseKeypoints: 6,
  /**
   * A face apart from the subject counts only up to this many times the height of the subject's
   * own face (judgement: someone behind the subject is further away, so smaller).
   */
  maxFaceToSubjectFace: 1,
  /** A MoveNet person no box accounts for counts as someone else at or above this score (= personScore). */
  extraPoseScore: 0.3,
  /**
   * A BlazeFace face in the head's square is the subject's own face (where light is read, how wide
   * the face is) at or above this score: MediaPipe's own bar for a face. Weaker ones count only as
   * a second signal for someone else (see facesApart).
   */
  subjectFaceScore: 0.5,
  /** FaceMesh face flag at or above this: a face is there. Passes measure 1.00 (one 0.02 on a badly placed crop), backs of heads, masks and covered faces 0.00–0.46. */
  minFaceScore: 0.5,
  /** Head square share outside the frame above this: the face is cut off. Faces cropped by the frame measure 0.45–0.49 on the dev set, passes at most 0.16. */
  maxHeadOutside: 0.3,
  /** Head yaw beyond this is a turned head: high/medium passes measure |yaw| ≤ 21.5° on the dev set, heads labelled turned 26–30° (FaceMesh reads real turns low: 45° reads ~30°). */
  maxYawDegrees: 24,
  /** Head pitch beyond this is looking up or down: passes measure −4° to +16° on the dev set. */
  maxPitchDegrees: 25,
  /**
   * A wrist nearer the nose than this many shoulder widths covers the face: hands over a face
   * measure 0.43 on the dev set, every pass's nearest wrist more than 0.9.
   */
  maxWristToNose: 0.5,
  /**
   * Keypoint-box overlap (IoU) under which two poses in one person box are two people: the one dev
   * photo of two people in one box measures well apart; a pose read twice overlaps almost fully.
   */
  distinctPoseOverlap: 0.3,
  /** A held object's box lies within this many torso lengths of a wrist (judgement: too few dev examples to fit). */
  handReach: 0.15,
  /**
   * A hand-held thing over this share of the head's square names what hides a face FaceMesh cannot
   * find (the message only: the verdict is already FacePose). Judgement: a phone held in front of
   * the face covers about a third of the square around the head.
   */
  objectCoversFace: 0.15,
  /**
   * A large object counts at or above this detector score: held ones measure 0.25–0.59 on the dev
   * set (teddy bear, tennis rackets, umbrella); no pass has a listed object at or above 0.2.
   */
  heldObjectScore: 0.2,
  /** A keypoint is visible at or above this score. */
  keypointScore: 0.3,
  /** A face keypoint places the head crop at or above this score (placing needs less certainty). */
  headKeypointScore: 0.2,
  /**
   * Shoulder width over torso length, signed (positive when the person faces the camera). Frontal
   * photos measure 0.6–0.9; side views 0.2–0.45; a back view is negative.
   */
  minShoulderRatio: 0.5,
  /** Torso lean from vertical, degrees: standing photos lean under 20°, bending over far more. */
  maxTorsoTiltDegrees: 35,
  /** Hip-to-knee drop over torso length: standing 0.7–0.95, sitting with thighs level well under. */
  minKneeDrop: 0.45,
  /**
   * Knee angle (hip–knee–ankle, degrees) under which a leg is folded: crouching or kneeling.
   * Judgement, not fitted: a standing or walking leg is nearly straight (over 150°).
   */
  minKneeAngleDegrees: 110,
  /**
   * Ankles less than this many torso lengths below the hips: the legs are folded under the body.
   * Standing passes measure 1.24–2.04 on the corpus.
   */
  minAnkleDrop: 1,
  /** A knee this close to the bottom edge (fraction of height) means the frame cuts the legs. */
  frameCutsLegsAt: 0.9,
  /** An ankle predicted above this (fraction of height) is inside the frame, so it should be seen. */
  ankleInsideFrameBelow: 0.95,
  /** A wrist nearer the nose than this many torso lengths covers the face. */
  minWristToNose: 0.5,
  /** Nose offset from the eyes' midpoint over eye distance: frontal faces under 0.3, turned heads more. */
  maxNoseOffset: 0.45,
  /**
   * Mean luma (0–255) on the person (the face, else the person's box; the whole frame only without
   * a luma grid) under which the photo is too dark. On the corpus the darkest labelled pass
   * measures 72 on its face (52 over its whole frame: a lit man on a dark backdrop), the dim night
   * photo 42 on its body.
   */
  minMeanLuma: 40,
} as const

/**
 * The logic of the rules (rules/*.ts), numbered: bump it when a rule changes without a number here changing, so
 * verdicts recorded under the old rules (keyed by the detector's identity) are not reused.
 */
export const RULES_REVISION = 6

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

/** Working sizes and floors of the models that `observe` runs (not rules: what the models see). */
export const OBSERVE_LIMITS = {
  /** Longest side of the image the detector and FaceMesh read from (the face crop needs detail). */
  detailSize: 1024,
  /**
   * CenterNet's square input (a multiple of 32; the model is rewritten for it at load, see
   * `centerNetAtSize`). A person a tenth of the frame's height is still ~38 px, about 10 cells
   * of its output grid. Measured on the dev corpus (one core; high+medium verdict / code): 512 px
   * 154 ms, 97.5% / 95.1%; 448 px 111 ms, 96.3% / 93.8%; 384 px 81 ms, 96.3% / 92.6%; 352 px
   * (not timed; 320 px took 57 ms) 96.3% / 93.8%. The rows that change are medium-confidence
   * ones whose boxes sit at a score bar, so accuracy does not choose among these sizes; 384 is
   * the smallest that keeps a tenth-of-the-frame person at ten output cells, and it meets the
   * 200 ms pipeline budget.
   */
  objectInputSize: 384,
  /** The luma grid's cells per side (light is measured on the person from it: 16 puts a face in a few cells). */
  lumaGridCells: 16,
  /** Detections under this score are not kept at all (the rules apply their own, higher, bars). */
  minObjectScore: 0.15,
  /** Overlap (IoU) above which two boxes of one class are one object. */
  maxObjectOverlap: 0.5,
  /** BlazeFace faces under this score are not kept (a face counts only with a second signal). */
  minFoundFaceScore: 0.2,
  /** Overlap (IoU) above which two BlazeFace boxes are one face. */
  maxFaceOverlap: 0.3,
} as const
