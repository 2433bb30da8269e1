import type { FindingList } from './finding-list';

/** An operator's pattern (`guardrails.pii.custom[]`). */
export interface CustomPatternConfig {
  name: string;
  pattern: string;
}

export interface CustomPattern {
  name: string;
  regex: RegExp;
}

const MAX_PATTERN = 512;
/** The largest upper bound a quantifier may have: a failed match costs at most this many steps per position. */
export const MAX_QUANTIFIER = 64;

/**
 * Why a custom pattern is refused, or undefined when it is in the safe subset. JavaScript's
 * regex engine backtracks and has no step limit, so safety is decided before the pattern is
 * ever run: exponential backtracking needs a quantified group that itself holds a quantifier
 * or an alternation (`(a+)+`, `(a|aa)*`, `(\w+\s?)*`), and backreferences and lookaround make
 * matching non-regular. Those are refused, with the reason, when the config is loaded. What is
 * left (star height 1, no quantified alternation) cannot blow up exponentially; a bounded
 * quantifier (`{0,5}`) on a group counts as a quantifier.
 *
 * Polynomial backtracking stays possible with unbounded quantifiers: `[a-z]+\d+$` on 150,000
 * letters tries every start position to the end of the text (quadratic; 16 s, the scan holding
 * the event loop of every tenant). So `*`, `+` and `{n,}` are refused too, and `{m,n}` may not
 * exceed MAX_QUANTIFIER: a scan then costs at most text × MAX_QUANTIFIER steps per quantifier.
 */
export function unsafePatternReason(source: string): string | undefined {
  if (source.length > MAX_PATTERN) return `is longer than ${MAX_PATTERN} characters`;
  // One frame per open group: whether it holds a quantifier or an alternation.
  const stack: { quantified: boolean; alternation: boolean }[] = [{ quantified: false, alternation: false }];
  let lastGroup: { quantified: boolean; alternation: boolean } | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const top = stack[stack.length - 1];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'uses a backreference';
      i++;
      lastGroup = undefined;
      continue;
    }
    if (c === '[') {
      // A character class is one atom: skip to its closing bracket.
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      lastGroup = undefined;
      continue;
    }
    if (c === '(') {
      if (source[i + 1] === '?') {
        const kind = source[i + 2];
        if (kind === '=' || kind === '!' || (kind === '<' && (source[i + 3] === '=' || source[i + 3] === '!'))) return 'uses a lookaround';
      }
      stack.push({ quantified: false, alternation: false });
      lastGroup = undefined;
      continue;
    }
    if (c === ')') {
      if (stack.length === 1) return 'has an unbalanced parenthesis';
      lastGroup = stack.pop() as { quantified: boolean; alternation: boolean };
      // What a group holds, its enclosing groups hold too: ((a|a))+ is as unsafe as (a|a)+.
      const parent = stack[stack.length - 1];
      parent.quantified ||= lastGroup.quantified;
      parent.alternation ||= lastGroup.alternation;
      continue;
    }
    if (c === '|') {
      top.alternation = true;
      lastGroup = undefined;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      if (c === '?' && i > 0 && /[*+?}]/.test(source[i - 1])) continue; // a lazy quantifier's "?"
      if (c === '{' && !/^\{\d+(,\d*)?\}/.test(source.slice(i, i + 16))) continue;
      if (lastGroup && (lastGroup.quantified || lastGroup.alternation)) return 'nests a quantifier or an alternation inside a quantified group (it could backtrack catastrophically)';
      if (c === '*' || c === '+') return `uses an unbounded quantifier "${c}" (bound it, e.g. {1,${MAX_QUANTIFIER}})`;
      if (c === '{') {
        const [, low, comma, high] = /^\{(\d+)(,?)(\d*)\}/.exec(source.slice(i, i + 16)) ?? [];
        if (comma && high === '') return `uses an unbounded quantifier "{${low},}" (bound it, e.g. {${low},${MAX_QUANTIFIER}})`;
        if (Number(high || low) > MAX_QUANTIFIER) return `uses a quantifier above ${MAX_QUANTIFIER} repetitions`;
      }
      for (const frame of stack) frame.quantified = true;
      if (c === '{') i = source.indexOf('}', i);
      lastGroup = undefined;
      continue;
    }
    lastGroup = undefined;
  }
  if (stack.length !== 1) return 'has an unbalanced parenthesis';
  return undefined;
}

/** Compiles a pattern that passed `unsafePatternReason`; throws on a syntax error (the config names it). */
export function compileCustomPattern(config: CustomPatternConfig): CustomPattern {
  const reason = unsafePatternReason(config.pattern);
  if (reason) throw new Error(`the pattern of "${config.name}" ${reason}`);
  return { name: config.name, regex: new RegExp(config.pattern, 'g') };
}

/** Every non-empty match of each pattern, as a finding of the pattern's name. */
export function detectCustom(text: string, out: FindingList, patterns: readonly CustomPattern[]): void {
  for (const p of patterns) {
    const re = p.regex;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      out.steps++;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      out.add(p.name, m.index, m.index + m[0].length);
    }
  }
}
