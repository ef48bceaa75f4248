import { errorMessage } from '../core/errors.js'
import type { Detection, DetectionJob } from './types.js'

/** The job's image bytes, or the error verdict for an image that could not be read. */
export async function readJobBytes(job: DetectionJob): Promise<Uint8Array | Detection> {
  try {
    return await job.readBytes()
  } catch (error) {
    return {
      status: 'error',
      code: 'FetchFailed',
      message: `Could not read the image: ${errorMessage(error)}`,
    }
  }
}
