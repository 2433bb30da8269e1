import { ThrottledWarning } from './throttled-warning';

describe(ThrottledWarning.name, () => {
  it('reports at most once per interval and counts what it swallowed', () => {
    let clock = 1_000;
    const lines: string[] = [];
    const sut = new ThrottledWarning((m) => lines.push(m), () => clock, 60_000);
    sut.report('down');
    sut.report('down');
    clock += 59_999;
    sut.report('still down');
    clock += 1;
    sut.report('down again');
    sut.report('x');
    expect(lines).toEqual(['down', 'down again (2 similar problems since the last report)']);
  });
});
