export { createNodejsCompiler, type NodejsCompilerOptions, nodejsCompiler } from './nodejs-compiler.ts';
