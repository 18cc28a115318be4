import { createHash } from 'node:crypto';

/** What a budget or a cached answer belongs to: the account behind the keys that sign the call. */
export interface AccountRef {
  accessKeyId: string;
}

/**
 * Names the Alibaba Cloud account that signs with `ref`, for keys that must be shared by every
 * instance of the account (the per-account OpenAPI limits, the verdict cache): `acct:<id>`, or
 * `ak:<hash>` when the account is unknown. Never the AccessKey ID itself.
 */
export type AccountScope = (ref: AccountRef) => string;

/**
 * The scope of a deployment. On FC every call is signed with the function role's STS keys, whose
 * AccessKey IDs differ per instance and per rotation but all belong to `FC_ACCOUNT_ID` (the role
 * lives in the function's account), so the account ID is the key. Without it (a run outside FC),
 * a hash of the AccessKey ID stands in: a long-term AccessKey belongs to one account, but two RAM
 * users of one account then count as two.
 * @param accountId the function's account (`FC_ACCOUNT_ID`), when known.
 */
export function createAccountScope(accountId: string | undefined): AccountScope {
  if (accountId) {
    const scope = `acct:${accountId}`;
    return () => scope;
  }
  const known = new Map<string, string>();
  return ({ accessKeyId }) => {
    let scope = known.get(accessKeyId);
    if (scope === undefined) {
      scope = `ak:${createHash('sha256').update(accessKeyId).digest('hex').slice(0, 24)}`;
      // STS rotation mints a new ID every few hours; a handful is all an instance ever holds.
      if (known.size >= 16) known.clear();
      known.set(accessKeyId, scope);
    }
    return scope;
  };
}
