/**
 * Every Alibaba Cloud region ID that `MQTRACE_DEPLOY_REGION` (where the functions run) and
 * `MQTRACE_REGION` (whose broker and OSS endpoints they call) may name. A name outside it is a
 * typo until proven otherwise: `mars-1` passes the format check and then fails every lookup.
 *
 * Sources, one group each:
 *  1. The fc3 component's own region list: devsapp/fc3 `src/interface/region.ts` (`RegionList`,
 *     commit c360bd23f62b; fc.md §2.2 reads the same repository).
 *  2. The ApsaraMQ for RocketMQ endpoint tables, regions not already in 1: 4.x
 *     https://www.alibabacloud.com/help/en/apsaramq-for-rocketmq/cloud-message-queue-rocketmq-4-x-series/developer-reference/api-ons-2019-02-14-endpoint
 *     (ons-api.md §1 "Endpoints") and 5.x
 *     https://alibabacloud.com/help/en/apsaramq-for-rocketmq/cloud-message-queue-rocketmq-5-x-series/developer-reference/api-rocketmq-2022-08-01-endpoint.
 *     The 4.x pseudo-region `mq-internet-access` is left out: it has no FC, OSS or 5.x endpoint.
 *  3. The region IDs that the ONS SDK's endpoint map sends to another host (ons-api.md §1,
 *     `shared/ons/endpoint.ts`; a unit test checks each one is still an exception there).
 *
 * Add a region here when Alibaba Cloud lists it; the checks read nothing else.
 */
export const KNOWN_REGION_IDS = [
  // 1. devsapp/fc3 RegionList
  'cn-hangzhou',
  'cn-shanghai',
  'cn-qingdao',
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-huhehaote',
  'cn-shenzhen',
  'ap-northeast-2',
  'cn-chengdu',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-5',
  'ap-southeast-7',
  'ap-northeast-1',
  'eu-central-1',
  'eu-west-1',
  'us-east-1',
  'us-west-1',
  'ap-south-1',
  // 2. ApsaraMQ for RocketMQ 4.x / 5.x endpoint tables
  'cn-wulanchabu',
  'cn-heyuan',
  'cn-guangzhou',
  'cn-nanjing',
  'cn-fuzhou',
  'ap-southeast-6',
  // 3. ONS SDK endpoint-map exceptions
  'cn-beijing-finance-1',
  'cn-hongkong-finance-pop',
  'cn-wuhan',
  'cn-fujian',
  'cn-edge-1',
  'ap-northeast-2-pop',
  'eu-west-1-oxs',
  'rus-west-1-pop',
] as const;

/** The ONS SDK endpoint-map exceptions of group 3, for the test that keeps them in step. */
export const ONS_ENDPOINT_EXCEPTION_REGIONS: readonly string[] = KNOWN_REGION_IDS.slice(KNOWN_REGION_IDS.indexOf('cn-beijing-finance-1'));

export function isKnownRegion(region: string): boolean {
  return (KNOWN_REGION_IDS as readonly string[]).includes(region);
}

/** The one message for an unknown region, wherever it is found (so duplicates fold into one line). */
export const UNKNOWN_REGION_MESSAGE = 'is not a known Alibaba Cloud region ID like cn-hangzhou (the list: KNOWN_REGION_IDS in scripts/deploy/regions.ts)';
