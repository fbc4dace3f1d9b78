package dev.wharf.clients;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** SNS (Query/XML) fan-out to SQS through the Java SDK v2. */
class SnsSdkTest {
  @ParameterizedTest
  @ValueSource(strings = {"http", "https"})
  void fanOutWithFilterPolicy(String scheme) throws Exception {
    try (SnsClient sns = SnsClient.builder().endpointOverride(Wharf.endpoint(scheme)).region(Wharf.REGION).credentialsProvider(Wharf.CREDENTIALS).build();
        SqsClient sqs = SqsClient.builder().endpointOverride(Wharf.endpoint(scheme)).region(Wharf.REGION).credentialsProvider(Wharf.CREDENTIALS).build()) {
      String topic = sns.createTopic(b -> b.name(Wharf.unique("java-topic"))).topicArn();
      String all = sqs.createQueue(b -> b.queueName(Wharf.unique("java-all"))).queueUrl();
      String big = sqs.createQueue(b -> b.queueName(Wharf.unique("java-big"))).queueUrl();
      try {
        sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(arn(sqs, all)).attributes(Map.of("RawMessageDelivery", "true")));
        sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(arn(sqs, big))
            .attributes(Map.of("RawMessageDelivery", "true", "FilterPolicy", "{\"weight\":[{\"numeric\":[\">\",10]}]}")));
        assertEquals(2, sns.listSubscriptionsByTopic(b -> b.topicArn(topic)).subscriptions().size());
        for (int w : new int[] {5, 20, 30}) {
          sns.publish(b -> b.topicArn(topic).message("load " + w)
              .messageAttributes(Map.of("weight", MessageAttributeValue.builder().dataType("Number").stringValue(Integer.toString(w)).build())));
        }
        assertEquals(List.of("load 20", "load 30", "load 5"), drain(sqs, all, 3));
        assertEquals(List.of("load 20", "load 30"), drain(sqs, big, 2));
      } finally {
        sns.deleteTopic(b -> b.topicArn(topic));
        sqs.deleteQueue(b -> b.queueUrl(all));
        sqs.deleteQueue(b -> b.queueUrl(big));
      }
    }
  }

  static String arn(SqsClient sqs, String url) {
    return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
  }

  /** Every body received within 20 s (at least `want`), then one more second to see nothing extra came; sorted. */
  static List<String> drain(SqsClient sqs, String url, int want) {
    List<String> got = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    boolean extraRound = false;
    while (System.nanoTime() < deadline) {
      List<Message> ms = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
      for (Message m : ms) {
        got.add(m.body());
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
      }
      if (got.size() >= want) {
        if (extraRound) break;
        extraRound = true;
      }
    }
    return got.stream().sorted().toList();
  }
}
