import { suite } from 'uvu';
import { executorCases } from './executor-cases.ts';

const test = suite('worker executor');
executorCases(test, 'worker');
test.run();
