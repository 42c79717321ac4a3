import { Registry } from '../src/core/registry.ts';
import type { Lemma } from '../src/lemmas/types.ts';
import { aliasDLowerBound, aliasDLowerBoundAtStart } from './alias-d-lower-bound.ts';
import { aliasEtaIncrement, aliasEtaIncrementL2 } from './alias-eta-increment.ts';
import { majorityVoteError, majorityVoteNoGain } from './majority-vote-error.ts';
import { majorityVoteFalls, majorityVoteRises } from './majority-vote-error-falls.ts';
import { majorityVoteHoeffding, majorityVoteHoeffding4 } from './majority-vote-error-hoeffding.ts';
import { momentumErrorBound, momentumErrorBoundNoDrift, momentumErrorBoundSqrtHalfBeta } from './momentum-error-bound.ts';
import { momentumErrorRecursion, momentumErrorRecursionDriftFactor, momentumErrorRecursionNoDrift } from './momentum-error-recursion.ts';
import { momentumErrorUnrolled, momentumErrorUnrolledExponent } from './momentum-error-unrolled.ts';
import { mvsmV1ServerBiased, mvsmV2ServerNoG, mvsmV2ServerUnbiased } from './mvsm-v2-server-unbiased.ts';
import { mvsmV1ServerEngine, mvsmV2ServerEngine } from './mvsm-v2-server-unbiased-engine.ts';
import { dadaptSgdDHat, dadaptSgdDHatHalf } from './param-free-dadapt-sgd-dhat.ts';
import { dogRBar, dogRBarNext } from './param-free-dog-rbar.ts';
import { momoTau, momoTauHalf } from './param-free-momo-tau.ts';
import { prodigyDHat, prodigyDHatQuarter } from './param-free-prodigy-dhat.ts';
import { srUnbiased, srUnbiasedClipHalf, srUnbiasedSign } from './S_R-unbiased.ts';
import { srUnbiasedEngine, srUnbiasedEngineClip } from './S_R-unbiased-engine.ts';
import { signDescentDeterministicSum, signDescentDeterministicSumHalf, signDescentDeterministicSumL2 } from './sign-descent-deterministic-sum.ts';
import { signDescentL2, signDescentL2NoD, signDescentL2NoRoot } from './sign-descent-l2.ts';
import { signDescentSeparable, signDescentSeparableError1, signDescentSeparableHalfCurv } from './sign-descent-separable.ts';
import { signMismatch, signMismatchHalf } from './sign-mismatch.ts';
import { signMismatchInner, signMismatchInnerFactor1 } from './sign-mismatch-inner.ts';
import {
  signStepGradientChange,
  signStepGradientChangeHalf,
  signStepGradientChangeOneSided,
  signStepGradientChangeSharp,
} from './sign-step-gradient-change.ts';
import { stepUpdateL0L1, stepUpdateL0L1Error1, stepUpdateL0L1NeedsExp } from './step-update-L0L1.ts';

/**
 * Every lemma of the catalogue (THEORY.md "Lemmas"), each followed by its power checks and wrong
 * variants (expect 'refuted'). Each lemma lives in `lemmas/<id>.ts` with its variants; helpers that
 * several lemma files share are in `lemmas/lib/`. `npm test` (properties/lemmas.test.ts), the CLI
 * (`signcheck lemmas`) and the reports (reports/lemmas.md, .tex) iterate over this registry.
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
