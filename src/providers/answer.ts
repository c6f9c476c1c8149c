/**
 * Reading a provider's answer where it enters the hub: a zod schema of the fields the adapter reads, so the rest of
 * the adapter works on typed values instead of casts. Schemas keep every field the provider may leave out optional
 * and let extra fields through, so a provider adding fields never breaks us; a field we read that has the wrong type,
 * or a required one that is missing, is a PROVIDER_BAD_RESPONSE (502) naming the provider, the field path and the
 * reason, never a TypeError (500) further down. The answer's values never go into the error or the log: bodies
 * carry account numbers and tokens.
 */
import { z } from 'zod';
import { AppError, describeIssues, type FieldIssue } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

/** A field the provider may leave out: absent and null both read as undefined (Xendit sends null for "not set"). */
export const omittable = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

/** ISO-8601 date-time text, read into a Date. */
export const isoDateTime = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO-8601 date-time')
  .transform((text) => new Date(text));

/** An answer whose content the adapter does not read (void, expire, deactivate): any JSON object. */
export const acknowledged = z.looseObject({});

/** How many issues an error names: enough to find the drift, not a dump of a broken body. */
const MAX_ISSUES = 5;

export interface AnswerContext {
  /** Provider name as errors and logs use it ("midtrans", "xendit", "bank-bca"). */
  provider: string;
  /** Which answer, for people: "charge", "e-wallet charge", "balance". */
  answer: string;
  logger?: Logger;
}

type Issue = z.core.$ZodIssue;

/**
 * A union that matched no branch (BCA's `accountInfos` is one object, other banks' an array) says only "Invalid
 * input" at the union; the branch that got furthest into the value is the shape the provider meant, so its issues
 * are the ones that name the field.
 */
function specific(issue: Issue, at: PropertyKey[] = []): { path: PropertyKey[]; message: string }[] {
  const path = [...at, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length) {
    const depth = (issues: Issue[]) => Math.max(0, ...issues.map((i) => i.path.length));
    const furthest = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    if (depth(furthest) > 0) return furthest.flatMap((inner) => specific(inner, path));
  }
  return [{ path, message: issue.message }];
}

/** Zod's issues as field paths and reasons. Zod's own messages name types and formats, not the value received. */
export function answerIssues(error: z.ZodError, provider: string): FieldIssue[] {
  return error.issues
    .flatMap((issue) => specific(issue))
    .slice(0, MAX_ISSUES)
    .map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', reason: issue.message, in: `${provider} answer` }));
}

export function badProviderAnswer(context: AnswerContext, issues: FieldIssue[]): AppError {
  context.logger?.warn({ provider: context.provider, answer: context.answer, issues }, 'provider answer does not match its documented shape');
  return new AppError('PROVIDER_BAD_RESPONSE', `${context.provider} answer (${context.answer}) does not match its documented shape: ${describeIssues(issues)}`, {
    // Asking again later may well get a readable answer (a provider-side glitch); the caller decides whether to.
    retryable: true,
    details: { provider: context.provider, answer: context.answer, issues },
  });
}

/** The answer as the schema reads it, or a PROVIDER_BAD_RESPONSE (logged) naming what did not match. */
export function readAnswer<S extends z.ZodType>(schema: S, body: unknown, context: AnswerContext): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw badProviderAnswer(context, answerIssues(parsed.error, context.provider));
}
