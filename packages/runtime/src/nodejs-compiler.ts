/** Placeholder while nodejsCompiler is written (replaced in this session). */
export function nodejsCompiler(_script: string, cb: (error: Error | null, exported?: unknown) => void): void {
  cb(new Error('nodejsCompiler: pending'));
}
