package dev.wharf.clients;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.*;

/** SQS through the AWS SDK for Java v2 in its default protocol (AWS JSON 1.0 since 2.21), over http and https. */
class SqsSdkTest {
  final List<String> contentTypes = new CopyOnWriteArrayList<>();

  SqsClient client(String scheme) {
    return SqsClient.builder()
        .endpointOverride(Wharf.endpoint(scheme))
        .region(Wharf.REGION)
        .credentialsProvider(Wharf.CREDENTIALS)
        .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(Context.BeforeTransmission ctx, ExecutionAttributes attrs) {
            contentTypes.add(ctx.httpRequest().firstMatchingHeader("Content-Type").orElse(""));
          }
        }))
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "https"})
  void standardQueueRoundTrip(String scheme) {
    try (SqsClient sqs = client(scheme)) {
      String name = Wharf.unique("java-std");
      String url = sqs.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "40"))).queueUrl();
      try {
        assertTrue(url.endsWith("/" + name), url);
        assertEquals("application/x-amz-json-1.0", contentTypes.get(0), "the SDK's default SQS protocol");
        SendMessageBatchResponse sent = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(IntStream.range(0, 7)
            .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("e" + i).messageBody("truck " + i)
                .messageAttributes(Map.of("n", MessageAttributeValue.builder().dataType("Number").stringValue(Integer.toString(i)).build()))
                .build())
            .toList()));
        assertEquals(7, sent.successful().size());
        assertTrue(sent.failed().isEmpty());

        List<String> bodies = new ArrayList<>();
        for (int round = 0; round < 10 && bodies.size() < 7; round++) {
          for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
              .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages()) {
            assertEquals(m.body().substring(6), m.messageAttributes().get("n").stringValue());
            assertEquals("1", m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
            bodies.add(m.body());
            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
          }
        }
        assertEquals(IntStream.range(0, 7).mapToObj(i -> "truck " + i).sorted().toList(), bodies.stream().sorted().toList());
        Map<QueueAttributeName, String> attrs = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes();
        assertEquals("0", attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
        assertEquals("40", attrs.get(QueueAttributeName.VISIBILITY_TIMEOUT));
      } finally {
        sqs.deleteQueue(b -> b.queueUrl(url));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "https"})
  void fifoKeepsGroupOrder(String scheme) {
    try (SqsClient sqs = client(scheme)) {
      String url = sqs.createQueue(b -> b.queueName(Wharf.unique("java-fifo") + ".fifo")
          .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"))).queueUrl();
      try {
        for (int i = 0; i < 12; i++) {
          int n = i;
          sqs.sendMessage(b -> b.queueUrl(url).messageBody("m" + n).messageGroupId(n % 2 == 0 ? "even" : "odd"));
        }
        List<String> even = new ArrayList<>();
        List<String> odd = new ArrayList<>();
        for (int round = 0; round < 20 && even.size() + odd.size() < 12; round++) {
          for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
              .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages()) {
            (m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID).equals("even") ? even : odd).add(m.body());
            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
          }
        }
        assertEquals(List.of("m0", "m2", "m4", "m6", "m8", "m10"), even);
        assertEquals(List.of("m1", "m3", "m5", "m7", "m9", "m11"), odd);
      } finally {
        sqs.deleteQueue(b -> b.queueUrl(url));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "https"})
  void missingQueueIsQueueDoesNotExist(String scheme) {
    try (SqsClient sqs = client(scheme)) {
      QueueDoesNotExistException e = assertThrows(QueueDoesNotExistException.class,
          () -> sqs.getQueueUrl(b -> b.queueName(Wharf.unique("java-none"))));
      assertEquals(400, e.statusCode());
      assertEquals("AWS.SimpleQueueService.NonExistentQueue", e.awsErrorDetails().errorCode());
    }
  }
}
