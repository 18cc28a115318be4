/** Region IDs the official SDK's endpoint map sends elsewhere (ons-api.md §1). */
const ENDPOINT_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['cn-beijing-finance-1', 'ons.aliyuncs.com'],
  ['cn-hongkong-finance-pop', 'ons.aliyuncs.com'],
  ['cn-wuhan', 'ons.aliyuncs.com'],
  ['cn-fujian', 'ons.aliyuncs.com'],
  ['cn-edge-1', 'ons.aliyuncs.com'],
  ['ap-northeast-2-pop', 'ons.ap-northeast-1.aliyuncs.com'],
  ['eu-west-1-oxs', 'ons.ap-northeast-1.aliyuncs.com'],
  ['rus-west-1-pop', 'ons.ap-northeast-1.aliyuncs.com'],
]);

/** The public ONS (4.x) endpoint for a region. */
export function onsEndpointFor(region: string): string {
  return `https://${ENDPOINT_EXCEPTIONS.get(region) ?? `ons.${region}.aliyuncs.com`}`;
}
