// Registers the order schema with two independently written Confluent clients and encodes the
// same orders with each. Prints one JSON line per encoded record: {client, subject, id, value}.
// Then, with kafkajs: evolves the schema (a new optional field), registers a schema whose enum comes
// from a reference, encodes an order with each, and tries an incompatible change, printing the
// registry's refusal as {client, subject, refused: <HTTP status>, message}.
// Usage: node encode-orders.js <registry-url> <subject-prefix>
'use strict';

const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
const { SchemaRegistryClient, AvroSerializer, SerdeType } = require('@confluentinc/schemaregistry');

const [url, prefix] = process.argv.slice(2);

const fields = [
  { name: 'order_id', type: 'long' },
  { name: 'customer_id', type: 'string' },
  { name: 'sku', type: 'string' },
  { name: 'quantity', type: 'int' },
  { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
  { name: 'event_time', type: { type: 'long', logicalType: 'timestamp-micros' } },
  { name: 'country', type: 'string' },
  { name: 'currency', type: 'string' },
  { name: 'gift', type: 'boolean' },
  { name: 'discount', type: 'double' },
  { name: 'channel', type: 'string' },
  { name: 'coupon', type: ['null', 'string'], default: null },
];

function orderSchema(orderFields) {
  return JSON.stringify({ type: 'record', name: 'Order', namespace: 'dev.floe.demo', fields: orderFields });
}

const schema = orderSchema(fields);

// The decimals are given as their unscaled two's-complement bytes: 1999.99 and -5.25.
const orders = [
  {
    order_id: 1234567890123, customer_id: 'C00042', sku: 'SKU-Ä€-7', quantity: 3,
    price: Buffer.from([0x03, 0x0d, 0x3f]), event_time: 1767225600123456, country: 'DE',
    currency: 'EUR', gift: true, discount: 0.15, channel: 'mobile', coupon: 'SPRING15',
  },
  {
    order_id: 2, customer_id: 'C09999', sku: 'SKU-0001', quantity: 1,
    price: Buffer.from([0xfd, 0xf3]), event_time: 1767225599000001, country: 'JP',
    currency: 'JPY', gift: false, discount: 0.0, channel: 'web', coupon: null,
  },
];

function print(client, subject, id, bytes) {
  process.stdout.write(JSON.stringify({ client, subject, id, value: Buffer.from(bytes).toString('base64') }) + '\n');
}

async function kafkajs() {
  const subject = `${prefix}-kafkajs-value`;
  const registry = new SchemaRegistry({ host: url });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
  // registering again must answer the same id
  const again = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
  if (again.id !== id) {
    throw new Error(`kafkajs: the same schema got ids ${id} and ${again.id}`);
  }
  for (const order of orders) {
    print('kafkajs', subject, id, await registry.encode(id, order));
  }
}

async function confluent() {
  const topic = `${prefix}-confluent`;
  const subject = `${topic}-value`;
  const client = new SchemaRegistryClient({ baseURLs: [url] });
  const id = await client.register(subject, { schemaType: 'AVRO', schema }, false);
  const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
  for (const order of orders) {
    print('confluent', subject, id, await serializer.serialize(topic, order));
  }
}

async function kafkajsEvolution() {
  const subject = `${prefix}-kafkajs-value`;
  const registry = new SchemaRegistry({ host: url });

  // version 2: a new optional field, which the subject's BACKWARD level accepts
  const evolved = orderSchema([...fields, { name: 'note', type: ['null', 'string'], default: null }]);
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: evolved }, { subject });
  print('kafkajs-v2', subject, id, await registry.encode(id, { ...orders[0], note: 'gift wrap' }));

  // an enum defined under a subject of its own, used by reference
  const channelSubject = `${prefix}-channel`;
  const channel = JSON.stringify({
    type: 'enum', name: 'Channel', namespace: 'dev.floe.demo', symbols: ['web', 'mobile', 'store', 'partner'],
  });
  await registry.register({ type: SchemaType.AVRO, schema: channel }, { subject: channelSubject });
  const referencing = orderSchema(fields.map((field) => (field.name === 'channel'
    ? { name: 'channel', type: 'dev.floe.demo.Channel' } : field)));
  const referencingSubject = `${prefix}-referencing-value`;
  const withReference = await registry.register(
    {
      type: SchemaType.AVRO,
      schema: referencing,
      references: [{ name: 'dev.floe.demo.Channel', subject: channelSubject, version: 1 }],
    },
    { subject: referencingSubject },
  );
  print('kafkajs-reference', referencingSubject, withReference.id, await registry.encode(withReference.id, orders[0]));

  // quantity as a string: no reader of version 2 could read it, and the registry must say so
  const incompatible = orderSchema(fields.map((field) => (field.name === 'quantity'
    ? { name: 'quantity', type: 'string' } : field)));
  try {
    await registry.register({ type: SchemaType.AVRO, schema: incompatible }, { subject });
    throw new Error('kafkajs: the registry accepted an incompatible schema');
  } catch (error) {
    if (!error || error.status === undefined) {
      throw error;
    }
    process.stdout.write(JSON.stringify({
      client: 'kafkajs-incompatible', subject, refused: error.status, message: error.message,
    }) + '\n');
  }
}

kafkajs()
  .then(confluent)
  .then(kafkajsEvolution)
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
