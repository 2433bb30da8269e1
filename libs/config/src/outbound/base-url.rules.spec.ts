import { displayBaseUrl, refuseBaseUrl } from './base-url.rules';
import { DEFAULT_OUTBOUND_POLICY } from './outbound-policy.types';

const LOCAL = { ...DEFAULT_OUTBOUND_POLICY, allowHttp: true, allowPrivate: true };

describe(refuseBaseUrl.name, () => {
  it.each(['https://api.openai.com/v1', 'https://api.anthropic.com', 'https://generativelanguage.googleapis.com', 'https://[2606:4700:4700::1111]:8443/v1'])(
    'accepts %s',
    (url) => {
      expect(refuseBaseUrl(url, DEFAULT_OUTBOUND_POLICY)).toBeUndefined();
    },
  );

  it.each([
    ['not a url', 'expected an https URL'],
    ['ftp://files.test/', 'expected an https URL'],
    ['file:///etc/passwd', 'expected an https URL'],
    ['http://api.test/v1', 'http: is refused; use https (or set SWITCHYARD_OUTBOUND_ALLOW_HTTP=true)'],
    ['https://user:secret@api.test/v1', 'credentials in the URL (user:password@) are refused; put the key in apiKeys'],
    ['https://sk-abc@api.test/v1', 'credentials in the URL (user:password@) are refused; put the key in apiKeys'],
    ['https://api.test/v1?api-version=1', 'a query string or fragment is refused; the gateway appends paths to the base URL'],
    ['https://api.test/v1?', 'a query string or fragment is refused; the gateway appends paths to the base URL'],
    ['https://api.test/v1#x', 'a query string or fragment is refused; the gateway appends paths to the base URL'],
    ['https://169.254.169.254/latest/meta-data', 'a cloud metadata address is never an upstream'],
    ['https://[fd00:ec2::254]/', 'a cloud metadata address is never an upstream'],
    ['https://metadata.google.internal/computeMetadata/v1', 'a cloud metadata host is never an upstream'],
    ['https://[fe80::1]/', 'a link-local address is never an upstream'],
    ['https://127.0.0.1:8080/admin/v1', 'a loopback address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    // The URL parser reads these legacy IPv4 spellings as 127.0.0.1.
    ['https://2130706433/', 'a loopback address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    ['https://0x7f.1/', 'a loopback address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    ['https://[::ffff:127.0.0.1]/', 'a loopback address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    ['https://localhost:11434', 'a loopback host is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    ['https://10.0.0.5:8000/v1', 'a private address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    ['https://0.0.0.0:9000', 'an unspecified address (0.0.0.0 or ::) is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
  ])('refuses %s by default: %s', (url, expected) => {
    expect(refuseBaseUrl(url, DEFAULT_OUTBOUND_POLICY)).toBe(expected);
  });

  it('allows plain http and private addresses only where the operator says so, never metadata or credentials', () => {
    expect(refuseBaseUrl('http://10.0.0.5:8000/v1', LOCAL)).toBeUndefined();
    expect(refuseBaseUrl('http://127.0.0.1:9000/v1', LOCAL)).toBeUndefined();
    expect(refuseBaseUrl('http://169.254.169.254/', LOCAL)).toBe('a cloud metadata address is never an upstream');
    expect(refuseBaseUrl('http://u:p@127.0.0.1:9000/v1', LOCAL)).toBeDefined();
  });

  it('never repeats the URL in its message', () => {
    expect(refuseBaseUrl('https://user:hunter2@api.test/v1', DEFAULT_OUTBOUND_POLICY)).not.toContain('hunter2');
  });
});

describe(displayBaseUrl.name, () => {
  it('shows a clean URL as stored', () => {
    expect(displayBaseUrl('https://api.openai.com/v1')).toBe('https://api.openai.com/v1');
  });

  it('hides credentials and query strings stored before they were refused', () => {
    expect(displayBaseUrl('https://user:hunter2@api.test/v1?key=sk-123')).toBe('https://[redacted]@api.test/v1?[redacted]');
    expect(displayBaseUrl('https://api.test/v1#frag')).toBe('https://api.test/v1?[redacted]');
  });
});
