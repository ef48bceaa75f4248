import { SERVICE_LIMITS } from '../config/defaults.js'
import type { Audience } from '../core/types.js'

const { maxLongestSide, minShortestSide, maxFileBytes, formats } = SERVICE_LIMITS

export interface Explanation {
  /** What went wrong, in plain English. */
  why: string
  /** What to do with the photo. */
  fix: string
}

const EXPLANATIONS: Record<string, Explanation> = {
  'InvalidFile.Content': {
    why: 'The photo must show exactly one person; none or several were found (people in the background count).',
    fix: 'Crop or reshoot so that one person alone is in the frame.',
  },
  'InvalidFile.BodyPose': {
    why: 'The body pose is not usable: shoulders and ankles must be visible, facing the camera, standing, not turned away or to the side, not heavily occluded.',
    fix: 'Reshoot standing upright and facing the camera, arms and hands visible, nothing held in front of the body.',
  },
  'InvalidFile.FacePose': {
    why: 'The face must be visible and the head not strongly turned.',
    fix: 'Reshoot looking at the camera with the face uncovered and well lit.',
  },
  'InvalidFile.Resolution': {
    why: `The image size is outside the accepted range: the longest side must be under ${maxLongestSide} px and the shortest over ${minShortestSide} px.`,
    fix: `Export the photo at a size between ${minShortestSide + 1} px (shortest side) and ${maxLongestSide - 1} px (longest side).`,
  },
  'InvalidFile.Size': {
    why: `The file is larger than ${maxFileBytes / 1024 / 1024} MB.`,
    fix: 'Export the photo as a JPEG of quality 85–90 at up to 4095 px on its longest side.',
  },
  InvalidURL: {
    why: `The file could not be used: the format must be ${formats.slice(0, -1).join(', ')} or ${formats.at(-1) ?? ''}, and the URL must serve the image.`,
    fix: 'Convert the photo to JPEG or PNG, and check that base-url serves the file publicly.',
  },
  BodyStyleMismatch: {
    why: 'The photo is not of the body style this repository requires (require-bodystyle).',
    fix: 'Use a full-body photo (head to toe) or a half-body photo (waist up), as the repository requires.',
  },
  CheckFailed: {
    why: 'The detection did not accept the photo.',
    fix: 'Use one person, facing the camera, well lit, on a plain background, nothing in the hands.',
  },
}

/** Where the CLI's words differ: it has flags and files, not inputs and a repository's URLs. */
const CLI_EXPLANATIONS: Record<string, Partial<Explanation>> = {
  InvalidURL: {
    fix: 'Convert the photo to JPEG or PNG; for a URL, check that it serves the image publicly.',
  },
  BodyStyleMismatch: {
    why: 'The photo is not of the body style --require-bodystyle asks for.',
    fix: 'Use a full-body photo (head to toe) or a half-body photo (waist up), as --require-bodystyle asks.',
  },
}

export function explain(code: string | null, audience: Audience = 'action'): Explanation {
  const known =
    code === null
      ? undefined
      : Object.hasOwn(EXPLANATIONS, code)
        ? code
        : code.startsWith('InvalidFile')
          ? 'CheckFailed'
          : undefined
  const key = known ?? 'CheckFailed'
  const base = EXPLANATIONS[key] as Explanation
  return audience === 'cli' ? { ...base, ...CLI_EXPLANATIONS[key] } : base
}
