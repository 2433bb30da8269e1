import { PII_CATEGORIES, type PiiCategory } from './pii-category';
import { compilePiiPolicy } from './pii-policy';
import { PiiScanner } from './pii-scanner';

function scanner(categories: PiiCategory[] = [...PII_CATEGORIES], custom: { name: string; pattern: string }[] = []): PiiScanner {
  return new PiiScanner(compilePiiPolicy({ action: 'mask', categories, custom }));
}

/** [category, value] of every finding. */
function found(text: string, categories?: PiiCategory[]): [string, string][] {
  return scanner(categories)
    .scan(text)
    .map((f) => [f.category, text.slice(f.start, f.end)]);
}

describe(PiiScanner.name, () => {
  describe('email', () => {
    it.each([
      ['write to jane.doe+news@example.co.uk today', 'jane.doe+news@example.co.uk'],
      ['<ops@mail.example.com>.', 'ops@mail.example.com'],
      ['名字：王伟 wang.wei@example.cn。', 'wang.wei@example.cn'],
    ])('finds the address in %j', (text, value) => {
      expect(found(text, ['email'])).toEqual([['email', value]]);
    });

    it.each(['user@localhost', 'decorators like @Injectable()', 'a @ b.com', 'x@y.c', 'name@.example.com', 'npm i @nestjs/core@11.1.0'])('finds nothing in %j', (text) => {
      expect(found(text, ['email'])).toEqual([]);
    });
  });

  describe('phone', () => {
    it.each([
      ['call +44 20 7946 0958 now', '+44 20 7946 0958'],
      ['E.164: +14155552671.', '+14155552671'],
      ['手机13800138000请回电', '13800138000'],
      ['mobile 138-0013-8000', '138-0013-8000'],
      ['with code 8613912345678', '8613912345678'],
      ['on 2024-01-01 13800138000 called', '13800138000'],
    ])('finds the number in %j', (text, value) => {
      expect(found(text, ['phone'])).toEqual([['phone', value]]);
    });

    it.each([
      'order 12800138000', // China mobile numbers start 13–19
      'id 138001380001', // 12 digits
      'pi is 3.13800138000',
      'version 1.13800138000.2',
      'count +0123456789',
      'score +1234567',
      'hash abc13800138000',
      'page 10 of 12',
    ])('finds nothing in %j', (text) => {
      expect(found(text, ['phone'])).toEqual([]);
    });
  });

  describe('cn_id', () => {
    it.each([
      ['身份证号 11010519491231002X。', '11010519491231002X'],
      ['id 11010519491231002x ok', '11010519491231002x'],
      ['440301199003071230', '440301199003071230'],
      ['born on a leap day: 310104200002294568', '310104200002294568'],
    ])('finds the resident ID in %j', (text, value) => {
      expect(found(text, ['cn_id'])).toEqual([['cn_id', value]]);
    });

    it.each([
      ['a wrong check digit', '110105194912310021'],
      ['February 30th (its checksum is right)', '110105199902300015'],
      ['a province code 0', '010105194912310021'],
      ['17 digits', '44030119900307123'],
      ['inside a longer number', '4403011990030712301'],
    ])('refuses %s', (_why, text) => {
      expect(found(text, ['cn_id'])).toEqual([]);
    });
  });

  describe('card', () => {
    it.each([
      ['pay with 4111 1111 1111 1111 please', '4111 1111 1111 1111'],
      ['5555-5555-5555-4444', '5555-5555-5555-4444'],
      ['amex 378282246310005.', '378282246310005'],
      ['unionpay 6212345678901232', '6212345678901232'],
    ])('finds the card in %j', (text, value) => {
      expect(found(text, ['card'])).toEqual([['card', value]]);
    });

    it.each(['4111 1111 1111 1112', '4111111111111112', '1234567890123', 'at 1733544000008 ms (epoch millis, Luhn-valid)', 'tracking 9400111899223197428490 here', '0.4111111111111111'])('finds nothing in %j (Luhn fails or not a card)', (text) => {
      expect(found(text, ['card'])).toEqual([]);
    });
  });

  describe('iban', () => {
    it.each([
      ['IBAN DE89 3704 0044 0532 0130 00 is mine', 'DE89 3704 0044 0532 0130 00'],
      ['GB82WEST12345698765432.', 'GB82WEST12345698765432'],
      ['to GB82 WEST 1234 5698 7654 32 OK', 'GB82 WEST 1234 5698 7654 32'],
    ])('finds the IBAN in %j', (text, value) => {
      expect(found(text, ['iban'])).toEqual([['iban', value]]);
    });

    it.each(['DE88 3704 0044 0532 0130 00', 'GB82WEST12345698765433', 'XDE89370400440532013000', 'ISO 9001 AB12 3456'])('finds nothing in %j (mod-97 fails or not an IBAN)', (text) => {
      expect(found(text, ['iban'])).toEqual([]);
    });
  });

  describe('ip', () => {
    it.each([
      ['from 192.168.1.20, then', '192.168.1.20'],
      ['host 8.8.8.8.', '8.8.8.8'],
      ['v6 2001:db8::1 here', '2001:db8::1'],
      ['full 2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
      ['mapped ::ffff:192.0.2.128 ok', '::ffff:192.0.2.128'],
      ['link fe80::1ff:fe23:4567:890a.', 'fe80::1ff:fe23:4567:890a'],
    ])('finds the address in %j', (text, value) => {
      expect(found(text, ['ip'])).toEqual([['ip', value]]);
    });

    it.each(['version 1.2.3.4.5', '256.1.1.1', '01.2.3.4', 'at 12:30:45', 'mac 00:1a:2b:3c:4d:5e', 'std::vector', 'a:b:c', '1:2:3:4:5:6:7:8:9', 'v1.2.3'])('finds nothing in %j', (text) => {
      expect(found(text, ['ip'])).toEqual([]);
    });
  });

  describe('secret', () => {
    it.each([
      ['key sk-proj-AbCdEf0123456789GhIjKl', 'sk-proj-AbCdEf0123456789GhIjKl'],
      ['Authorization: Bearer sk-ant-api03-abcdefghijklmnopqrstuv', 'sk-ant-api03-abcdefghijklmnopqrstuv'],
      ['AKIAIOSFODNN7EXAMPLE,', 'AKIAIOSFODNN7EXAMPLE'],
      ['token=ghp_1234567890abcdefghijABCDEFGHIJ123456', 'ghp_1234567890abcdefghijABCDEFGHIJ123456'],
      ['slack xoxb-123456789012-abcdefABCDEF', 'xoxb-123456789012-abcdefABCDEF'],
      ['AIzaSyA1234567890abcdefghijklmnopqrstuv', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
      ['random BQzvxYzA17xj0mWVVDmPrg0ntYE8YSyu end', 'BQzvxYzA17xj0mWVVDmPrg0ntYE8YSyu'],
    ])('finds the secret in %j', (text, value) => {
      expect(found(text, ['secret'])).toEqual([['secret', value]]);
    });

    it.each([
      'sk-short',
      'AKIAIOSFODNN7EXAMPL', // 15 after the prefix
      'akiaiosfodnn7example',
      'thisIsAVeryLongCamelCaseIdentifierWithNumbers123AndMore',
      'base64EncodedSha256Checksum2',
      'commit da971d0f3a9c8e1b2d4f6a8c0e2b4d6f8a0c2e4f',
      'id 550e8400-e29b-41d4-a716-446655440000',
      'path /usr/local/lib/node_modules/typescript/lib/tsc.js',
      'internationalization-and-localization-guidelines',
    ])('finds nothing in %j', (text) => {
      expect(found(text, ['secret'])).toEqual([]);
    });
  });

  describe('custom patterns', () => {
    it('reports matches under the pattern name', () => {
      const s = scanner([], [{ name: 'employee_id', pattern: 'EMP-\\d{6}' }]);
      const text = 'ask EMP-123456 and EMP-654321';
      expect(s.scan(text).map((f) => [f.category, text.slice(f.start, f.end)])).toEqual([
        ['employee_id', 'EMP-123456'],
        ['employee_id', 'EMP-654321'],
      ]);
    });

    it('skips empty matches without looping', () => {
      const s = scanner([], [{ name: 'maybe', pattern: 'x{0,3}' }]);
      expect(s.scan('abc xx')).toEqual([{ category: 'maybe', start: 4, end: 6 }]);
    });
  });

  it('keeps only enabled categories and resolves overlaps in text order', () => {
    const text = 'mail a@b.io card 4111111111111111 from 10.0.0.1';
    expect(found(text)).toEqual([
      ['email', 'a@b.io'],
      ['card', '4111111111111111'],
      ['ip', '10.0.0.1'],
    ]);
    expect(found(text, ['ip'])).toEqual([['ip', '10.0.0.1']]);
  });
});
