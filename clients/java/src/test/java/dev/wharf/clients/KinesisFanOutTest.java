package dev.wharf.clients;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.model.*;

/**
 * Enhanced fan-out: SubscribeToShard through the SDK's Netty client (HTTP/2). Over https "default" is the client as
 * shipped (ProtocolNegotiation.ASSUME_PROTOCOL: no ALPN offered, the HTTP/2 preface right after the TLS handshake, as
 * AWS's Kinesis endpoints accept) and "alpn" chooses h2 in the handshake; over http it is h2c prior knowledge.
 */
class KinesisFanOutTest {
  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"https,default", "https,alpn", "http,default"})
  void subscribeToShardDeliversRecordsInOrder(String scheme, String negotiation) throws Exception {
    KinesisAsyncClientBuilder builder = KinesisAsyncClient.builder().endpointOverride(Wharf.endpoint(scheme))
        .region(Wharf.REGION).credentialsProvider(Wharf.CREDENTIALS);
    if (negotiation.equals("alpn")) {
      builder.httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2).protocolNegotiation(ProtocolNegotiation.ALPN)
          // the 10 s default was once exceeded (TLS handshake + h2 settings) with three test JVMs on a loaded 2-core machine
          .connectionAcquisitionTimeout(Duration.ofSeconds(30)));
    }
    String stream = Wharf.unique("java-efo");
    try (KinesisAsyncClient kinesis = builder.build()) {
      kinesis.createStream(b -> b.streamName(stream).shardCount(1)).get(30, TimeUnit.SECONDS);
      Wharf.await("stream ACTIVE", Duration.ofSeconds(30), () -> status(kinesis, stream) == StreamStatus.ACTIVE);
      try {
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).get().streamDescriptionSummary().streamARN();
        Consumer consumer = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("efo")).get(30, TimeUnit.SECONDS).consumer();
        Wharf.await("consumer ACTIVE", Duration.ofSeconds(30), () -> kinesis.describeStreamConsumer(b -> b.consumerARN(consumer.consumerARN()))
            .join().consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE);
        List<String> sent = IntStream.range(0, 20).mapToObj(i -> "record " + i).toList();
        for (String s : sent) kinesis.putRecord(b -> b.streamName(stream).partitionKey("p").data(SdkBytes.fromUtf8String(s))).get(30, TimeUnit.SECONDS);
        String shard = kinesis.listShards(b -> b.streamName(stream)).get().shards().get(0).shardId();

        List<String> received = new CopyOnWriteArrayList<>();
        List<Long> millisBehind = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> all = new CompletableFuture<>();
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
            .onError(all::completeExceptionally)
            .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(event -> {
              millisBehind.add(event.millisBehindLatest());
              event.records().forEach(r -> received.add(r.data().asUtf8String()));
              if (received.size() >= sent.size()) all.complete(null);
            }).build())
            .build();
        CompletableFuture<Void> subscription = kinesis.subscribeToShard(b -> b.consumerARN(consumer.consumerARN()).shardId(shard)
            .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)), handler);
        all.get(60, TimeUnit.SECONDS);
        subscription.cancel(true);
        assertEquals(sent, received.subList(0, sent.size()));
        assertFalse(millisBehind.isEmpty());
      } finally {
        kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true)).get(30, TimeUnit.SECONDS);
      }
    }
  }

  static StreamStatus status(KinesisAsyncClient kinesis, String stream) {
    return kinesis.describeStreamSummary(b -> b.streamName(stream)).join().streamDescriptionSummary().streamStatus();
  }
}
