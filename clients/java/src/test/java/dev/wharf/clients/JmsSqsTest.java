package dev.wharf.clients;

import static org.junit.jupiter.api.Assertions.*;

import com.amazon.sqs.javamessaging.ProviderConfiguration;
import com.amazon.sqs.javamessaging.SQSConnection;
import com.amazon.sqs.javamessaging.SQSConnectionFactory;
import com.amazon.sqs.javamessaging.SQSMessagingClientConstants;
import jakarta.jms.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** AWS's JMS provider for SQS (amazon-sqs-java-messaging-lib) on Wharf: standard and FIFO queues. */
class JmsSqsTest {
  SqsClient sqs() {
    return SqsClient.builder().endpointOverride(Wharf.http()).region(Wharf.REGION).credentialsProvider(Wharf.CREDENTIALS).build();
  }

  @Test
  void sendAndReceiveWithProperties() throws Exception {
    SqsClient sqs = sqs();
    String name = Wharf.unique("jms-std");
    SQSConnection connection = new SQSConnectionFactory(new ProviderConfiguration().withNumberOfMessagesToPrefetch(0), sqs).createConnection();
    try {
      assertFalse(connection.getWrappedAmazonSQSClient().queueExists(name));
      connection.getWrappedAmazonSQSClient().createQueue(name);
      Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
      Queue queue = session.createQueue(name);
      MessageProducer producer = session.createProducer(queue);
      for (int i = 0; i < 3; i++) {
        TextMessage m = session.createTextMessage("order " + i);
        m.setIntProperty("line", i);
        m.setStringProperty("depot", "north");
        producer.send(m);
        assertNotNull(m.getJMSMessageID());
      }
      MessageConsumer consumer = session.createConsumer(queue);
      connection.start();
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        TextMessage m = (TextMessage) consumer.receive(10_000);
        assertNotNull(m, "message " + i);
        assertEquals("north", m.getStringProperty("depot"));
        assertEquals(m.getText(), "order " + m.getIntProperty("line"));
        m.acknowledge();
        got.add(m.getText());
      }
      assertEquals(List.of("order 0", "order 1", "order 2"), got.stream().sorted().toList());
      assertNull(consumer.receive(1500), "acknowledged messages are gone");
    } finally {
      connection.close();
      sqs.deleteQueue(b -> b.queueUrl(sqs.getQueueUrl(q -> q.queueName(name)).queueUrl()));
      sqs.close();
    }
  }

  @Test
  void fifoKeepsOrderPerGroup() throws Exception {
    SqsClient sqs = sqs();
    String name = Wharf.unique("jms-fifo") + ".fifo";
    String url = sqs.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true",
        QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"))).queueUrl();
    SQSConnection connection = new SQSConnectionFactory(new ProviderConfiguration(), sqs).createConnection();
    try {
      Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
      Queue queue = session.createQueue(name);
      MessageProducer producer = session.createProducer(queue);
      for (int i = 0; i < 8; i++) {
        TextMessage m = session.createTextMessage("step " + i);
        m.setStringProperty(SQSMessagingClientConstants.JMSX_GROUP_ID, "truck-" + (i % 2));
        producer.send(m);
        assertNotNull(m.getStringProperty(SQSMessagingClientConstants.JMS_SQS_SEQUENCE_NUMBER));
      }
      MessageConsumer consumer = session.createConsumer(queue);
      connection.start();
      List<String> truck0 = new ArrayList<>();
      List<String> truck1 = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        TextMessage m = (TextMessage) consumer.receive(10_000);
        assertNotNull(m, "message " + i);
        (m.getStringProperty(SQSMessagingClientConstants.JMSX_GROUP_ID).equals("truck-0") ? truck0 : truck1).add(m.getText());
        m.acknowledge();
      }
      assertEquals(List.of("step 0", "step 2", "step 4", "step 6"), truck0);
      assertEquals(List.of("step 1", "step 3", "step 5", "step 7"), truck1);
    } finally {
      connection.close();
      sqs.deleteQueue(b -> b.queueUrl(url));
      sqs.close();
    }
  }
}
