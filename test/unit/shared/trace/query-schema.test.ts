import { describe, expect, it } from 'vitest';
import { describeInstanceIds } from '../../../../shared/brokers/instance-rules';
import { ONS_INSTANCE_RULE } from '../../../../shared/ons/instance-id';

const INSTANCE_ID_EXAMPLE = ONS_INSTANCE_RULE.example;
import {
  BatchInputSchema,
  InstanceIdSchema,
  MAX_BATCH,
  MessageIdSchema,
  TopicSchema,
  TraceQueryInputSchema,
} from '../../../../shared/trace/query-schema';

const CLIENT_ID = '1E05791C117818B4AAC23B1BB0CE0001';
const V6_ID = '20010DB8000000000000000000000001117818B4AAC23B1BB0CE0002';
const V5_ID = '01BE87E485F0C7808C04543CAF00000001';

const messagesOf = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.error?.issues.map((i) => i.message) ?? [];

describe('Function: InstanceIdSchema', () => {
  describe('Given valid 4.x instance IDs', () => {
    it.each([
      [INSTANCE_ID_EXAMPLE, INSTANCE_ID_EXAMPLE],
      ['MQ_INST_123456_abcd', 'MQ_INST_123456_abcd'],
      [`  ${INSTANCE_ID_EXAMPLE}\t`, INSTANCE_ID_EXAMPLE],
    ])('accepts %j as %j', (input, expected) => {
      // Act
      const result = InstanceIdSchema.safeParse(input);

      // Assert
      expect(result).toEqual({ success: true, data: expected });
    });
  });

  describe('Given IDs of the wrong shape', () => {
    it.each([
      ['too few digits', 'MQ_INST_12345_BXhFHryi'],
      ['lower-case prefix', 'mq_inst_1234567890123456_BXhFHryi'],
      ['missing suffix', 'MQ_INST_1234567890123456'],
      ['a suffix with punctuation', 'MQ_INST_1234567890123456_BX-hF'],
      ['a topic name', 'TopicA'],
    ])('rejects %s with the example shape', (_label, input) => {
      // Act
      const result = InstanceIdSchema.safeParse(input);

      // Assert
      expect(result.success).toBe(false);
      expect(messagesOf(result)).toEqual([`must be ${describeInstanceIds()}`]);
    });
  });

  describe('Given a 5.x instance ID', () => {
    it.each(['rmq-cn-7mz2uk4sv03', '  rmq-cn-demo5x0001 '])('accepts %j: a 5.x instance is served by its own broker', (input) => {
      expect(InstanceIdSchema.safeParse(input)).toEqual({ success: true, data: input.trim() });
    });

    it('rejects an upper-case prefix, which the console never writes, naming both shapes', () => {
      expect(messagesOf(InstanceIdSchema.safeParse('RMQ-cn-7mz2uk4sv03'))).toEqual([`must be ${describeInstanceIds()}`]);
    });
  });

  describe('Given empty, over-long or non-string input', () => {
    it.each([
      ['', 'is required'],
      ['   ', 'is required'],
      [`MQ_INST_1234567890123456_${'a'.repeat(40)}`, 'is too long for an instance ID'],
      [12345, 'must be a string'],
      [null, 'must be a string'],
      [undefined, 'is required'],
    ])('rejects %j with "%s"', (input, expected) => {
      // Act
      const result = InstanceIdSchema.safeParse(input);

      // Assert
      expect(result.success).toBe(false);
      expect(messagesOf(result)).toContain(expected);
    });
  });
});

describe('Function: TopicSchema', () => {
  describe('Given topics RocketMQ accepts', () => {
    it.each(['TopicA', 'order_topic-1', '%RETRY%GID_orders', 'a|b', 'T'.repeat(127), '0'])('accepts %j', (input) => {
      // Act
      const result = TopicSchema.safeParse(input);

      // Assert
      expect(result).toEqual({ success: true, data: input });
    });

    it('trims surrounding whitespace', () => {
      // Act + Assert
      expect(TopicSchema.parse('  TopicA \n')).toBe('TopicA');
    });
  });

  describe('Given topics RocketMQ rejects', () => {
    it.each([
      ['128 characters', 'T'.repeat(128), 'must be at most 127 characters'],
      ['Chinese characters', '订单主题', 'may contain only letters, digits, "-", "_", "%" and "|"'],
      ['accented letters', 'tópico', 'may contain only letters, digits, "-", "_", "%" and "|"'],
      ['an inner space', 'my topic', 'may contain only letters, digits, "-", "_", "%" and "|"'],
      ['a tab', 'my\ttopic', 'may contain only letters, digits, "-", "_", "%" and "|"'],
      ['SQL injection', "t'; DROP TABLE topics;--", 'may contain only letters, digits, "-", "_", "%" and "|"'],
      ['path traversal', '../../etc/passwd', 'may contain only letters, digits, "-", "_", "%" and "|"'],
      ['markup', '<script>alert(1)</script>', 'may contain only letters, digits, "-", "_", "%" and "|"'],
      ['a query string', 'TopicA&MsgId=1', 'may contain only letters, digits, "-", "_", "%" and "|"'],
      ['a dot', 'topic.a', 'may contain only letters, digits, "-", "_", "%" and "|"'],
      ['empty', '', 'is required'],
      ['whitespace only', '   ', 'is required'],
    ])('rejects %s', (_label, input, expected) => {
      // Act
      const result = TopicSchema.safeParse(input);

      // Assert
      expect(result.success).toBe(false);
      expect(messagesOf(result)).toContain(expected);
    });
  });
});

describe('Function: MessageIdSchema', () => {
  describe('Given well-formed IDs', () => {
    it.each([
      ['32 hex', CLIENT_ID, CLIENT_ID],
      ['56 hex', V6_ID, V6_ID],
      ['01 + 32 hex', V5_ID, V5_ID],
      ['lower-case 32 hex', CLIENT_ID.toLowerCase(), CLIENT_ID],
      ['lower-case 5.x', V5_ID.toLowerCase(), V5_ID],
      ['mixed case with spaces', ` ${'1e05791C117818b4aac23B1BB0CE0001'} `, CLIENT_ID],
    ])('accepts %s and upper-cases it', (_label, input, expected) => {
      // Act
      const result = MessageIdSchema.safeParse(input);

      // Assert
      expect(result).toEqual({ success: true, data: expected });
    });
  });

  describe('Given a comma-separated list from a batch send', () => {
    it.each([`${CLIENT_ID},${CLIENT_ID}`, `${CLIENT_ID}, ${V5_ID}`])('rejects it with a hint to use "lookups"', (input) => {
      // Act
      const result = MessageIdSchema.safeParse(input);

      // Assert
      expect(result.success).toBe(false);
      const messages = messagesOf(result);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('comma-separated list');
      expect(messages[0]).toContain('"lookups"');
    });
  });

  describe('Given malformed IDs', () => {
    const SHAPE = 'must be 32 or 56 hex characters (4.x) or "01" followed by 32 hex characters (5.x)';
    it.each([
      ['31 hex', CLIENT_ID.slice(1), SHAPE],
      ['33 hex', `${CLIENT_ID}A`, SHAPE],
      ['non-hex', 'G'.repeat(32), SHAPE],
      ['version 02', `02${CLIENT_ID}`, SHAPE],
      ['inner space', `${CLIENT_ID.slice(0, 16)} ${CLIENT_ID.slice(16)}`, SHAPE],
      ['201 characters', 'A'.repeat(201), 'is too long for a message ID'],
      ['empty', '', 'is required'],
      ['whitespace', '  ', 'is required'],
    ])('rejects %s', (_label, input, expected) => {
      // Act
      const result = MessageIdSchema.safeParse(input);

      // Assert
      expect(result.success).toBe(false);
      expect(messagesOf(result)).toContain(expected);
    });

    it('never echoes the offending value', () => {
      // Act
      const result = MessageIdSchema.safeParse('NOT_A_MESSAGE_ID_VALUE');

      // Assert
      expect(JSON.stringify(messagesOf(result))).not.toContain('NOT_A_MESSAGE_ID_VALUE');
    });
  });
});

describe('Function: TraceQueryInputSchema', () => {
  describe('Given a lookup without instanceId', () => {
    it('leaves instanceId to the configured default', () => {
      // Act
      const result = TraceQueryInputSchema.parse({ topic: 'TopicA', msgId: CLIENT_ID.toLowerCase() });

      // Assert
      expect(result).toEqual({ topic: 'TopicA', msgId: CLIENT_ID });
    });
  });

  describe('Given several bad fields', () => {
    it('reports each by its path', () => {
      // Act
      const result = TraceQueryInputSchema.safeParse({ instanceId: '', topic: 'a b', msgId: 'x' });

      // Assert
      expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['instanceId', 'msgId', 'topic']);
    });
  });
});

describe('Function: BatchInputSchema', () => {
  const lookup = { topic: 'TopicA', msgId: CLIENT_ID };

  describe('Given batch sizes at and beyond the limits', () => {
    it.each([
      [0, false, 'must hold at least one lookup'],
      [1, true, ''],
      [MAX_BATCH, true, ''],
      [MAX_BATCH + 1, false, 'must hold at most 20 lookups'],
    ])('%i lookups → success %s', (count, success, message) => {
      // Act
      const result = BatchInputSchema.safeParse({ lookups: Array.from({ length: count }, () => lookup) });

      // Assert
      expect(result.success).toBe(success);
      expect(messagesOf(result)).toEqual(message ? [message] : []);
    });
  });

  describe('Given lookups that is not an array', () => {
    it('rejects it', () => {
      // Act
      const result = BatchInputSchema.safeParse({ lookups: lookup });

      // Assert
      expect(messagesOf(result)).toEqual(['must be an array']);
    });
  });

  describe('Given the limit constant', () => {
    it('is 20', () => {
      // Assert
      expect(MAX_BATCH).toBe(20);
    });
  });
});
