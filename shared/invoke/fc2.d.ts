// @alicloud/fc2 ships no typings; this is the part of lib/client.js that the invoker uses.
declare module '@alicloud/fc2' {
  interface Fc2Config {
    accessKeyID: string;
    accessKeySecret: string;
    securityToken?: string;
    region: string;
    secure?: boolean;
    internal?: boolean;
    endpoint?: string;
    timeout?: number;
    headers?: Record<string, string>;
  }
  class Client {
    constructor(accountId: string, config: Fc2Config);
    version: string;
    post(path: string, body: Buffer | string, headers?: Record<string, string>): Promise<{ headers: Record<string, string | undefined>; data: unknown }>;
  }
  export = Client;
}
