import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.ts';
import { startPlatform } from './platform.ts';

describe('platform configuration', () => {
  it('defaults to Pro Santé Connect rules: eidas1, a confidential client, short sessions, no audit reader', () => {
    const config = configFromEnv({});
    expect(config.identity).toMatchObject({
      acceptedAcr: ['eidas1'],
      clientAuth: 'client_secret_basic',
      accessMinutes: 5,
      sessionHours: 10,
    });
    expect(config.identity.extensionRedirectUris).toHaveLength(2);
    expect(() => configFromEnv({ OIDC_CLIENT_AUTH: 'none' })).toThrow(/OIDC_CLIENT_AUTH/);
    expect(() => configFromEnv({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
    expect(config.identity.issuer).toBeUndefined();
    expect(config.audit.readers).toEqual([]);
  });

  it('refuses bad numbers with the variable named', () => {
    expect(() => configFromEnv({ PORT: '70000' })).toThrow(/PORT must be an integer from 0 to 65535/);
    expect(() => configFromEnv({ DEV_IDP_PORT: 'x' })).toThrow(/DEV_IDP_PORT/);
    expect(() => configFromEnv({ AUDIT_CHECKPOINT_EVERY: '0' })).toThrow(/AUDIT_CHECKPOINT_EVERY/);
  });

  it('will not start without an identity provider unless asked for the demo one', async () => {
    await expect(startPlatform(configFromEnv({ DATA_DIR: ':memory:', PORT: '0' }))).rejects.toThrow(
      /OIDC_ISSUER is required/,
    );
  });
});
