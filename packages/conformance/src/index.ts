export { cases } from './cases.ts';
export { main } from './main.ts';
export { createNodejsCompiler, type NodejsCompilerOptions, nodejsCompiler } from './nodejs-compiler.ts';
export { type RunConformanceOptions, runConformance } from './run-conformance.ts';
export { loadSimulate, type Simulate, type SimulatedResponse } from './internal/runtime.ts';
export type {
  CaseCategory,
  CaseRequest,
  CaseResult,
  ConformanceCase,
  Difference,
  Expectation,
  ExpectedResponse,
  PointName,
  Profile,
  Report,
} from './types.ts';
