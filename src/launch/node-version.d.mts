/** Types of node-version.mjs, for the tests that import it. */
export declare const MINIMUM: string
export declare function nodeTooOld(version?: string): boolean
