/**
 * Message id formats accepted as `MsgId` (ons-api.md §6): 4.x UNIQ_KEY or broker offset id (32 hex
 * for IPv4, 56 hex for IPv6) and 5.x ids (`01` + 32 hex). Case-insensitive.
 */
export const MSG_ID_PATTERN = /^(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{56}|01[0-9A-Fa-f]{32})$/;

/** Topic names: RocketMQ's legal characters (`TopicValidator`), bounded length. */
export const TOPIC_PATTERN = /^[%|A-Za-z0-9_-]{1,255}$/;

/** Instance ids such as `MQ_INST_1234567890123456_BXdemo01`. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Consumer group ids such as `GID_billing` (older `CID_` ids share the character set). */
export const GROUP_ID_PATTERN = /^[%|A-Za-z0-9_-]{1,255}$/;
