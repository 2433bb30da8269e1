import { seriesIn } from './promql-series';

describe('seriesIn', () => {
  it('names the series of a quantile over a rate, not functions, labels, ranges or variables', () => {
    const expr = 'histogram_quantile(0.95, sum by (le, model) (rate(switchyard_request_duration_seconds_bucket{model=~"${model:regex}", provider=~"$provider"}[$__rate_interval])))';
    expect(seriesIn(expr)).toEqual(['switchyard_request_duration_seconds_bucket']);
  });

  it('names both sides of a ratio and of a set operator, not the keywords, numbers or durations', () => {
    const expr = `(sum by (m) (rate(a_total{s="5xx"}[5m])) / on (m) group_left sum by (m) (rate(b_total[5m] offset 1m))) > 0.05
      and sum without (le) (increase(c_count[1h])) >= 1e3 unless d == bool 1`;
    expect(seriesIn(expr).sort()).toEqual(['a_total', 'b_total', 'c_count', 'd']);
  });

  it('names a bare selector and a subquery, and ignores label values that look like names', () => {
    expect(seriesIn('up{job=~"switchyard-.*"} == 0')).toEqual(['up']);
    expect(seriesIn('max_over_time(x_seconds{state="open"}[10m:1m])')).toEqual(['x_seconds']);
    expect(seriesIn('label_replace(y, "dst", "$1", "src", "(some_name)")')).toEqual(['y']);
    expect(seriesIn('sum(z) by (tenant)')).toEqual(['z']);
  });

  it('refuses a selector by __name__, which would hide the series it reads', () => {
    expect(() => seriesIn('{__name__=~"switchyard_.*"}')).toThrow('__name__');
  });
});
