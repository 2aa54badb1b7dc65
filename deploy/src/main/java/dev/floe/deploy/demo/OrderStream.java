package dev.floe.deploy.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * A deterministic stream of realistic orders: the same seed gives the same orders. {@link #next()}
 * fills this object's fields in place, so producing an order allocates nothing; strings are
 * indexes into pools of UTF-8 bytes encoded once.
 *
 * <p>Customers (10,000) and products (2,000) are skewed a little: a few are much more frequent.
 * Event times mostly increase, about 1 ms apart, and about 3% of orders arrive up to 5 s late.
 * Not thread-safe.
 */
final class OrderStream {
    static final int CUSTOMERS = 10_000;
    static final int PRODUCTS = 2_000;

    static final String[] COUNTRIES = {
        "US", "DE", "GB", "FR", "JP", "CA", "ES", "IT", "NL", "AU", "BR", "IN", "SE", "MX"
    };
    static final String[] CURRENCIES = {
        "USD", "EUR", "GBP", "EUR", "JPY", "CAD", "EUR", "EUR", "EUR", "AUD", "BRL", "INR", "SEK", "MXN"
    };
    /** Relative weights of the countries above, in percent. */
    private static final int[] COUNTRY_WEIGHTS = {34, 12, 10, 8, 6, 5, 4, 4, 3, 3, 3, 4, 2, 2};

    static final String[] CHANNELS = {"web", "mobile", "store", "partner"};
    private static final int[] CHANNEL_WEIGHTS = {45, 35, 15, 5};
    static final String[] COUPONS = {"WELCOME10", "SPRING15", "FREESHIP", "VIP20", "BUNDLE5"};
    private static final double[] DISCOUNTS = {0.05, 0.10, 0.15, 0.20};
    private static final long MAX_LATENESS_MICROS = 5_000_000L;

    final byte[][] customerIds = new byte[CUSTOMERS][];
    final byte[][] skus = new byte[PRODUCTS][];
    final byte[][] countries = utf8(COUNTRIES);
    final byte[][] currencies = utf8(CURRENCIES);
    final byte[][] channels = utf8(CHANNELS);
    final byte[][] coupons = utf8(COUPONS);
    private final long[] basePriceCents = new long[PRODUCTS];
    private final int[] countryTable = table(COUNTRY_WEIGHTS);
    private final int[] channelTable = table(CHANNEL_WEIGHTS);
    private final SplittableRandom random;

    long orderId;
    int customer;
    int sku;
    int quantity;
    long priceCents;
    long eventTimeMicros;
    int country;
    boolean gift;
    double discount;
    int channel;
    /** Index into {@link #coupons}, or -1 for none. */
    int coupon;

    private long clockMicros;

    /**
     * @param seed decides every order
     * @param firstOrderId the id of the first order; ids increase by one
     * @param startTime the event time of the first order
     */
    OrderStream(long seed, long firstOrderId, Instant startTime) {
        this.random = new SplittableRandom(seed);
        this.orderId = firstOrderId - 1;
        this.clockMicros = startTime.getEpochSecond() * 1_000_000L + startTime.getNano() / 1_000;
        for (int i = 0; i < CUSTOMERS; i++) {
            customerIds[i] = String.format("C%05d", i).getBytes(StandardCharsets.US_ASCII);
        }
        for (int i = 0; i < PRODUCTS; i++) {
            skus[i] = String.format("SKU-%04d", i).getBytes(StandardCharsets.US_ASCII);
            // most products cost a few euros to a hundred, a few much more: a log-uniform spread
            basePriceCents[i] = Math.round(Math.exp(random.nextDouble(Math.log(199), Math.log(250_000))));
        }
    }

    /** Moves to the next order. */
    void next() {
        orderId++;
        customer = skewed(CUSTOMERS, 1.6);
        sku = skewed(PRODUCTS, 2.0);
        int roll = random.nextInt(100);
        quantity = roll < 60 ? 1 : roll < 85 ? 2 : roll < 97 ? 1 + random.nextInt(5) : 1 + random.nextInt(20);
        // prices move a little around the product's base price
        priceCents = Math.max(
                1, basePriceCents[sku] + random.nextLong(-basePriceCents[sku] / 20, basePriceCents[sku] / 20 + 1));
        clockMicros += random.nextInt(2_000);
        eventTimeMicros = random.nextInt(100) < 3 ? clockMicros - random.nextLong(MAX_LATENESS_MICROS) : clockMicros;
        country = countryTable[random.nextInt(countryTable.length)];
        gift = random.nextInt(100) < 7;
        discount = random.nextInt(100) < 20 ? DISCOUNTS[random.nextInt(DISCOUNTS.length)] : 0.0;
        channel = channelTable[random.nextInt(channelTable.length)];
        coupon = random.nextInt(100) < 8 ? random.nextInt(COUPONS.length) : -1;
    }

    /** The random source for decisions about the current order beyond its fields. */
    SplittableRandom random() {
        return random;
    }

    /** An index in [0, size) where low indexes are more likely; {@code power} 1 is uniform. */
    private int skewed(int size, double power) {
        return (int) (size * Math.pow(random.nextDouble(), power));
    }

    private static int[] table(int[] weights) {
        int total = 0;
        for (int weight : weights) {
            total += weight;
        }
        int[] table = new int[total];
        int position = 0;
        for (int i = 0; i < weights.length; i++) {
            for (int j = 0; j < weights[i]; j++) {
                table[position++] = i;
            }
        }
        return table;
    }

    private static byte[][] utf8(String[] values) {
        byte[][] bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i].getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }
}
