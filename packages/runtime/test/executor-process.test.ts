import { suite } from 'uvu';
import { executorCases } from './executor-cases.ts';

const test = suite('process executor');
executorCases(test, 'process');
test.run();
