import { Registry } from '../src/core/registry.ts';
import type { Lemma } from '../src/lemmas/types.ts';
import { aliasDLowerBound, aliasDLowerBoundAtStart } from './alias-d-lower-bound.ts';
import { aliasEtaIncrement, aliasEtaIncrementL2 } from './alias-eta-increment.ts';
import { dadaptSgdDHat, dadaptSgdDHatHalf, dogRBar, dogRBarNext, momoTau, momoTauHalf, prodigyDHat, prodigyDHatQuarter } from './param-free-invariants.ts';
import { momentumErrorBound, momentumErrorBoundNoDrift, momentumErrorBoundSqrtHalfBeta } from './momentum-error-bound.ts';
import {
  momentumErrorRecursion,
  momentumErrorRecursionDriftFactor,
  momentumErrorRecursionNoDrift,
  momentumErrorUnrolled,
  momentumErrorUnrolledExponent,
} from './momentum-error-recursion.ts';
import { signDescentDeterministicSum, signDescentDeterministicSumHalf, signDescentDeterministicSumL2 } from './sign-descent-deterministic-sum.ts';
import { signDescentL2, signDescentL2NoD, signDescentL2NoRoot } from './sign-descent-l2.ts';
import { signDescentSeparable, signDescentSeparableError1, signDescentSeparableHalfCurv } from './sign-descent-separable.ts';
import { signMismatch, signMismatchHalf, signMismatchInner, signMismatchInnerFactor1 } from './sign-mismatch.ts';
import {
  signStepGradientChange,
  signStepGradientChangeHalf,
  signStepGradientChangeOneSided,
  signStepGradientChangeSharp,
} from './sign-step-gradient-change.ts';
import { stepUpdateL0L1, stepUpdateL0L1Error1, stepUpdateL0L1NeedsExp } from './step-update-L0L1.ts';
import { majorityVoteError, majorityVoteFalls, majorityVoteHoeffding, majorityVoteHoeffding4, majorityVoteNoGain, majorityVoteRises } from './distributed-majority-vote.ts';
import { mvsmV1ServerBiased, mvsmV1ServerEngine, mvsmV2ServerEngine, mvsmV2ServerNoG, mvsmV2ServerUnbiased } from './distributed-mvsm-v2-server.ts';
import { srUnbiased, srUnbiasedClipHalf, srUnbiasedEngine, srUnbiasedEngineClip, srUnbiasedSign } from './distributed-sr-unbiased.ts';

/**
 * Every lemma of the catalogue (THEORY.md "Lemmas"), each followed by its power checks and wrong
 * variants (expect 'refuted'). `npm test` (properties/lemmas.test.ts), the CLI (`signcheck lemmas`)
 * and the reports (reports/lemmas.md, .tex) iterate over this registry.
 */
export const lemmas = new Registry<Lemma>('lemma');

const all: Lemma[] = [
  signMismatch,
  signMismatchHalf,
  signMismatchInner,
  signMismatchInnerFactor1,
  signDescentSeparable,
  signDescentSeparableError1,
  signDescentSeparableHalfCurv,
  signDescentL2,
  signDescentL2NoRoot,
  signDescentL2NoD,
  signStepGradientChange,
  signStepGradientChangeSharp,
  signStepGradientChangeHalf,
  signStepGradientChangeOneSided,
  stepUpdateL0L1,
  stepUpdateL0L1NeedsExp,
  stepUpdateL0L1Error1,
  momentumErrorRecursion,
  momentumErrorRecursionNoDrift,
  momentumErrorRecursionDriftFactor,
  momentumErrorUnrolled,
  momentumErrorUnrolledExponent,
  momentumErrorBound,
  momentumErrorBoundSqrtHalfBeta,
  momentumErrorBoundNoDrift,
  signDescentDeterministicSum,
  signDescentDeterministicSumL2,
  signDescentDeterministicSumHalf,
  srUnbiased,
  srUnbiasedClipHalf,
  srUnbiasedSign,
  srUnbiasedEngine,
  srUnbiasedEngineClip,
  mvsmV2ServerUnbiased,
  mvsmV1ServerBiased,
  mvsmV2ServerNoG,
  mvsmV2ServerEngine,
  mvsmV1ServerEngine,
  majorityVoteError,
  majorityVoteNoGain,
  majorityVoteFalls,
  majorityVoteRises,
  majorityVoteHoeffding,
  majorityVoteHoeffding4,
  aliasDLowerBound,
  aliasDLowerBoundAtStart,
  aliasEtaIncrement,
  aliasEtaIncrementL2,
  prodigyDHat,
  prodigyDHatQuarter,
  dadaptSgdDHat,
  dadaptSgdDHatHalf,
  dogRBar,
  dogRBarNext,
  momoTau,
  momoTauHalf,
];
for (const l of all) lemmas.register(l);
