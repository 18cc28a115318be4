// ali-oss ships no typings; this is the slice mqtrace uses (ali-oss 6.x, lib/object.js and lib/common/object/get.js).
declare module 'ali-oss' {
  interface AliOssOptions {
    accessKeyId: string;
    accessKeySecret: string;
    stsToken?: string;
    bucket: string;
    region?: string;
    endpoint?: string;
    secure?: boolean;
    timeout?: number;
    refreshSTSTokenInterval?: number;
  }
  interface AliOssRequestOptions {
    timeout?: number;
    mime?: string;
    headers?: Record<string, string>;
  }
  class AliOss {
    constructor(options: AliOssOptions);
    get(name: string, options?: AliOssRequestOptions): Promise<{ content: Buffer; res: { status: number } }>;
    put(name: string, content: Buffer, options?: AliOssRequestOptions): Promise<{ name: string; res: { status: number } }>;
  }
  export = AliOss;
}
