import { InjectedFault, NO_FAULTS, parseFaultInjection } from './fault-injection';

describe('source > write path > fault injection', () => {
  it('is off when empty', () => {
    expect(parseFaultInjection('')).toBe(NO_FAULTS);
  });

  it('kills the process on the n-th time the point is reached, and only then', () => {
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      const faults = parseFaultInjection('after-log-commit@3');
      faults.hit('after-log-commit');
      faults.hit('after-log-commit');
      expect(kill).not.toHaveBeenCalled();
      faults.hit('after-log-commit');
      expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
      faults.hit('after-log-commit');
      expect(kill).toHaveBeenCalledTimes(1);
    } finally {
      kill.mockRestore();
    }
  });

  it('throws at a failure point on the n-th time, without killing the process', () => {
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      const faults = parseFaultInjection('fail-log-commit@2');
      faults.hit('fail-log-commit');
      faults.hit('after-session-commit');
      expect(() => faults.hit('fail-log-commit')).toThrow(InjectedFault);
      expect(() => faults.hit('fail-log-commit')).not.toThrow();
      const sessions = parseFaultInjection('fail-session-commit@1');
      expect(() => sessions.hit('fail-session-commit')).toThrow(InjectedFault);
      expect(kill).not.toHaveBeenCalled();
    } finally {
      kill.mockRestore();
    }
  });

  it('stalls every pass through a stall point from the n-th on', () => {
    const faults = parseFaultInjection('stall-promotion@2');
    faults.hit('fail-log-commit');
    expect([faults.stalls('stall-promotion'), faults.stalls('stall-promotion'), faults.stalls('stall-promotion')]).toEqual([false, true, true]);
    expect(NO_FAULTS.stalls('stall-promotion')).toBe(false);
  });

  it.each(['after-log-commit', 'after-log-commit@0', 'before-anything@1', 'after-log-commit@x', '@1', 'after-log-commit@1@2'])(
    'refuses %j with the accepted form',
    (spec) => {
      expect(() => parseFaultInjection(spec)).toThrow(/<point>@<n> with point one of after-log-commit/);
    },
  );
});
