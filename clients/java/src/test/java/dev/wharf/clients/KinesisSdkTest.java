package dev.wharf.clients;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.*;

/** Kinesis through the Java SDK v2 with CBOR (its default) and with JSON (aws.cborEnabled=false). */
class KinesisSdkTest {
  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({"cbor,http", "json,http", "cbor,https", "json,https"})
  void putAndGetInOrder(String encoding, String scheme) throws Exception {
    List<String> contentTypes = new CopyOnWriteArrayList<>();
    // the SDK reads the switch when the client is built (SdkSystemSetting.CBOR_ENABLED, also AWS_CBOR_DISABLE)
    System.setProperty("aws.cborEnabled", Boolean.toString(encoding.equals("cbor")));
    KinesisClient kinesis;
    try {
      kinesis = KinesisClient.builder().endpointOverride(Wharf.endpoint(scheme)).region(Wharf.REGION).credentialsProvider(Wharf.CREDENTIALS)
          .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission ctx, ExecutionAttributes attrs) {
              contentTypes.add(ctx.httpRequest().firstMatchingHeader("Content-Type").orElse(""));
            }
          }))
          .build();
    } finally {
      System.clearProperty("aws.cborEnabled");
    }
    String stream = Wharf.unique("java-" + encoding);
    try (kinesis) {
      kinesis.createStream(b -> b.streamName(stream).shardCount(2));
      Wharf.await("stream ACTIVE", Duration.ofSeconds(30),
          () -> kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
      assertEquals(encoding.equals("cbor") ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1", contentTypes.get(0));
      try {
        List<String> seqs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          int n = i;
          seqs.add(kinesis.putRecord(b -> b.streamName(stream).partitionKey("truck-7").data(SdkBytes.fromUtf8String("pos " + n))).sequenceNumber());
        }
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
        PutRecordsResponse batch = kinesis.putRecords(b -> b.streamName(stream).records(IntStream.range(0, 4)
            .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("truck-7").data(SdkBytes.fromByteArray(binary)).build()).toList()));
        assertEquals(0, batch.failedRecordCount());
        String shard = kinesis.putRecord(b -> b.streamName(stream).partitionKey("truck-7").data(SdkBytes.fromUtf8String("last"))).shardId();

        String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<software.amazon.awssdk.services.kinesis.model.Record> records = new ArrayList<>();
        for (int round = 0; round < 10 && records.size() < 11; round++) {
          String current = it;
          GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current).limit(100));
          records.addAll(r.records());
          it = r.nextShardIterator();
        }
        assertEquals(11, records.size());
        for (int i = 0; i < 6; i++) {
          assertEquals("pos " + i, records.get(i).data().asString(StandardCharsets.UTF_8));
          assertEquals(seqs.get(i), records.get(i).sequenceNumber());
          assertEquals("truck-7", records.get(i).partitionKey());
          assertNotNull(records.get(i).approximateArrivalTimestamp());
        }
        for (int i = 6; i < 10; i++) assertArrayEquals(binary, records.get(i).data().asByteArray());
        assertEquals("last", records.get(10).data().asUtf8String());

        ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class,
            () -> kinesis.describeStream(b -> b.streamName(Wharf.unique("java-none"))));
        assertEquals(400, missing.statusCode());
      } finally {
        kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
      }
    }
  }
}
