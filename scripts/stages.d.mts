export declare const STAGES: readonly string[]
export declare const ADAPTERS: Readonly<Record<string, readonly string[]>>
