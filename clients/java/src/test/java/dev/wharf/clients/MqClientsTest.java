package dev.wharf.clients;

import static org.junit.jupiter.api.Assertions.*;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.mq.MqClient;
import software.amazon.awssdk.services.mq.model.*;

/**
 * Amazon MQ as Terraform drives it (CreateBroker with the fields aws_mq_broker sends), then the engines' own
 * clients on the endpoints DescribeBroker returns: OpenWire with failover:, AMQP 1.0 (Qpid JMS) and MQTT (Paho) on
 * an ActiveMQ 5.19 ACTIVE_STANDBY_MULTI_AZ pair; AMQP 0-9-1 (RabbitMQ's Java client) on RabbitMQ 4.2 and 3.13.
 * TLS endpoints (ssl://, amqp+ssl://, mqtt+ssl://, amqps://) are trusted through the run's truststore.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the failover test last: it changes which instance is active
class MqClientsTest {
  static final String USER = "wharfadmin";
  static final String PASSWORD = "Wharf-java-pass-123";

  MqClient mq;
  final List<String> created = new ArrayList<>();
  DescribeBrokerResponse activemq;
  DescribeBrokerResponse rabbit42;
  DescribeBrokerResponse rabbit313;
  String rabbitUser42;
  String rabbitUser313;

  @BeforeAll
  void createBrokers() throws Exception {
    mq = MqClient.builder().endpointOverride(Wharf.http()).region(Wharf.REGION).credentialsProvider(Wharf.CREDENTIALS).build();
    String amq = create(b -> b.brokerName(Wharf.unique("java-amq")).engineType(EngineType.ACTIVEMQ).engineVersion("5.19")
        .deploymentMode(DeploymentMode.ACTIVE_STANDBY_MULTI_AZ).hostInstanceType("mq.m5.large").storageType(BrokerStorageType.EFS)
        .users(User.builder().username(USER).password(PASSWORD).consoleAccess(true).groups("admins").build(),
            User.builder().username("reader").password(PASSWORD).build()));
    rabbitUser42 = Wharf.unique("r42").replace("-", "");
    rabbitUser313 = Wharf.unique("r313").replace("-", "");
    String r42 = create(b -> b.brokerName(Wharf.unique("java-rabbit42")).engineType(EngineType.RABBITMQ).engineVersion("4.2")
        .deploymentMode(DeploymentMode.SINGLE_INSTANCE).hostInstanceType("mq.m7g.large").storageType(BrokerStorageType.EBS)
        .users(User.builder().username(rabbitUser42).password(PASSWORD).build()));
    String r313 = create(b -> b.brokerName(Wharf.unique("java-rabbit313")).engineType(EngineType.RABBITMQ).engineVersion("3.13")
        .deploymentMode(DeploymentMode.SINGLE_INSTANCE).hostInstanceType("mq.t3.micro")
        .users(User.builder().username(rabbitUser313).password(PASSWORD).build()));
    activemq = running(amq);
    rabbit42 = running(r42);
    rabbit313 = running(r313);
  }

  String create(java.util.function.Consumer<CreateBrokerRequest.Builder> shape) {
    CreateBrokerRequest.Builder b = CreateBrokerRequest.builder().autoMinorVersionUpgrade(true).publiclyAccessible(false)
        .authenticationStrategy(AuthenticationStrategy.SIMPLE)
        .logs(l -> l.general(false)).maintenanceWindowStartTime(w -> w.dayOfWeek(DayOfWeek.SUNDAY).timeOfDay("03:00").timeZone("UTC"))
        .tags(java.util.Map.of("managed-by", "terraform"));
    shape.accept(b);
    CreateBrokerResponse r = mq.createBroker(b.build());
    created.add(r.brokerId());
    assertTrue(r.brokerArn().endsWith(":" + r.brokerId()), r.brokerArn());
    return r.brokerId();
  }

  DescribeBrokerResponse running(String id) throws InterruptedException {
    Wharf.await("broker " + id + " RUNNING", Duration.ofSeconds(180), () -> {
      BrokerState s = mq.describeBroker(b -> b.brokerId(id)).brokerState();
      assertNotEquals(BrokerState.CREATION_FAILED, s);
      return s == BrokerState.RUNNING;
    });
    return mq.describeBroker(b -> b.brokerId(id));
  }

  @AfterAll
  void deleteBrokers() {
    for (String id : created) {
      try {
        mq.deleteBroker(b -> b.brokerId(id));
      } catch (NotFoundException gone) {
        // a test deleted it
      }
    }
    mq.close();
  }

  /** The endpoint of an instance with one of the schemes (TLS one first, as Amazon MQ lists them). */
  static URI endpoint(DescribeBrokerResponse d, int instance, String... schemes) {
    List<String> endpoints = d.brokerInstances().get(instance).endpoints();
    for (String scheme : schemes) {
      for (String e : endpoints) if (e.startsWith(scheme + "://")) return URI.create(e);
    }
    throw new AssertionError("no " + String.join("/", schemes) + " endpoint in " + endpoints);
  }

  static boolean tls(URI u) {
    return u.getScheme().contains("ssl") || u.getScheme().equals("amqps");
  }

  @Test
  void describeBrokerAsTerraformReadsIt() {
    assertEquals("5.19", activemq.engineVersion());
    assertEquals(DeploymentMode.ACTIVE_STANDBY_MULTI_AZ, activemq.deploymentMode());
    assertEquals(2, activemq.brokerInstances().size());
    for (BrokerInstance i : activemq.brokerInstances()) {
      assertNotNull(i.consoleURL(), "ActiveMQ instances have a console");
      assertTrue(i.endpoints().stream().anyMatch(e -> e.startsWith("ssl://") || e.startsWith("tcp://")), i.endpoints().toString());
    }
    // Amazon MQ lists TLS endpoints only; Wharf too unless WHARF_MQ_ENDPOINTS=plain
    if (!"plain".equals(System.getenv("WHARF_MQ_ENDPOINTS"))) {
      for (BrokerInstance i : activemq.brokerInstances()) {
        for (String scheme : List.of("ssl", "amqp+ssl", "stomp+ssl", "mqtt+ssl", "wss")) {
          assertTrue(i.endpoints().stream().anyMatch(e -> e.startsWith(scheme + "://")), scheme + " in " + i.endpoints());
        }
        assertTrue(i.endpoints().stream().noneMatch(e -> e.startsWith("tcp://")), i.endpoints().toString());
      }
      for (DescribeBrokerResponse r : List.of(rabbit42, rabbit313)) {
        assertTrue(r.brokerInstances().get(0).endpoints().get(0).startsWith("amqps://"), r.brokerInstances().get(0).endpoints().toString());
      }
    }
    assertEquals(List.of("reader", USER), activemq.users().stream().map(UserSummary::username).sorted().toList());
    assertEquals("4.2", rabbit42.engineVersion());
    assertEquals("3.13", rabbit313.engineVersion());
    assertEquals(java.util.Map.of("managed-by", "terraform"), rabbit42.tags());
    assertEquals(DayOfWeek.SUNDAY, rabbit42.maintenanceWindowStartTime().dayOfWeek());
  }

  @Test
  void createUserOnRabbitMqIsBadRequest() {
    BadRequestException e = assertThrows(BadRequestException.class, () -> mq.createUser(b -> b.brokerId(rabbit42.brokerId())
        .username("someone").password(PASSWORD)));
    assertEquals(400, e.statusCode());
  }

  @Test
  void openWireFailoverSendsAndReceivesInOrder() throws Exception {
    URI a = endpoint(activemq, 0, "ssl", "tcp");
    URI b = endpoint(activemq, 1, "ssl", "tcp");
    ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(USER, PASSWORD,
        "failover:(" + a + "," + b + ")?randomize=false&maxReconnectAttempts=5&startupMaxReconnectAttempts=5");
    String queue = Wharf.unique("openwire");
    try (jakarta.jms.Connection connection = factory.createConnection()) {
      connection.start();
      Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
      MessageProducer producer = session.createProducer(session.createQueue(queue));
      producer.setDeliveryMode(DeliveryMode.PERSISTENT);
      for (int i = 0; i < 10; i++) producer.send(session.createTextMessage("openwire " + i));
      MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
      for (int i = 0; i < 10; i++) {
        TextMessage m = (TextMessage) consumer.receive(10_000);
        assertNotNull(m, "message " + i);
        assertEquals("openwire " + i, m.getText());
        m.acknowledge();
      }
      assertNull(consumer.receive(500));
    }
    // A wrong password is refused by the broker itself: it answers a SecurityException and closes the connection,
    // and the client sometimes reads the close first ("Disposed due to prior exception", seen once in CI). Every
    // attempt must fail, and the security refusal must show within a few.
    boolean refusedAsSecurity = false;
    for (int attempt = 0; attempt < 5 && !refusedAsSecurity; attempt++) {
      jakarta.jms.JMSException refused = assertThrows(jakarta.jms.JMSException.class, () -> new ActiveMQConnectionFactory(USER, "wrong", a.toString()).createConnection().start());
      refusedAsSecurity = refused instanceof jakarta.jms.JMSSecurityException;
    }
    assertTrue(refusedAsSecurity, "a wrong password is refused with a JMSSecurityException");
  }

  /** The active instance stops (Wharf's fail-over control); the failover: client goes on with the standby, nothing lost. */
  @Test
  @Order(Integer.MAX_VALUE) // unannotated tests have Order.DEFAULT (MAX_VALUE / 2)
  void openWireFailoverSurvivesTakeover() throws Exception {
    String mqUrl = Wharf.env("WHARF_CLIENTS_MQ_URL", "");
    org.junit.jupiter.api.Assumptions.assumeFalse(mqUrl.isEmpty(), "WHARF_CLIENTS_MQ_URL unset");
    URI a = endpoint(activemq, 0, "ssl", "tcp");
    URI b = endpoint(activemq, 1, "ssl", "tcp");
    ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(USER, PASSWORD,
        "failover:(" + a + "," + b + ")?randomize=false&initialReconnectDelay=100&maxReconnectDelay=1000&timeout=60000");
    String queue = Wharf.unique("takeover");
    try (jakarta.jms.Connection connection = factory.createConnection()) {
      connection.start();
      Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
      MessageProducer producer = session.createProducer(session.createQueue(queue));
      producer.setDeliveryMode(DeliveryMode.PERSISTENT);
      for (int i = 0; i < 10; i++) producer.send(session.createTextMessage("m" + i));
      MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
      for (int i = 0; i < 5; i++) {
        TextMessage m = (TextMessage) consumer.receive(10_000);
        assertEquals("m" + i, m.getText());
        m.acknowledge();
      }
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(mqUrl + "/_wharf/mq/brokers/" + activemq.brokerId() + "/fail-over"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      for (int i = 10; i < 20; i++) producer.send(session.createTextMessage("m" + i)); // blocks until the standby has taken over
      // every persistent message sent and not acknowledged arrives (a redelivery after the switch may repeat one)
      LinkedHashSet<String> got = new LinkedHashSet<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (got.size() < 15 && System.nanoTime() < deadline) {
        TextMessage m = (TextMessage) consumer.receive(1000);
        if (m == null) continue;
        got.add(m.getText());
        m.acknowledge();
      }
      assertEquals(java.util.stream.IntStream.range(5, 20).mapToObj(i -> "m" + i).toList(), List.copyOf(got));
    }
  }

  @Test
  void amqp10QpidJmsToTheSameBroker() throws Exception {
    URI amqp = endpoint(activemq, 0, "amqp+ssl", "amqp");
    String url = (tls(amqp) ? "amqps://" : "amqp://") + amqp.getHost() + ":" + amqp.getPort();
    String queue = Wharf.unique("amqp10");
    try (jakarta.jms.Connection connection = new JmsConnectionFactory(USER, PASSWORD, url).createConnection()) {
      connection.start();
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      MessageProducer producer = session.createProducer(session.createQueue(queue));
      for (int i = 0; i < 5; i++) {
        TextMessage m = session.createTextMessage("amqp " + i);
        m.setIntProperty("n", i);
        producer.send(m);
      }
      MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
      for (int i = 0; i < 5; i++) {
        TextMessage m = (TextMessage) consumer.receive(10_000);
        assertNotNull(m, "message " + i);
        assertEquals("amqp " + i, m.getText());
        assertEquals(i, m.getIntProperty("n"));
      }
    }
  }

  @Test
  void mqttPahoPublishSubscribe() throws Exception {
    URI mqtt = endpoint(activemq, 0, "mqtt+ssl", "mqtt");
    String server = (tls(mqtt) ? "ssl://" : "tcp://") + mqtt.getHost() + ":" + mqtt.getPort();
    MqttConnectOptions options = new MqttConnectOptions();
    options.setUserName(USER);
    options.setPassword(PASSWORD.toCharArray());
    options.setCleanSession(true);
    options.setConnectionTimeout(20);
    if (tls(mqtt)) options.setSocketFactory(SSLContext.getDefault().getSocketFactory());
    String topic = "trucks/" + Wharf.unique("t") + "/position";
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    MqttClient subscriber = new MqttClient(server, Wharf.unique("sub"), new MemoryPersistence());
    MqttClient publisher = new MqttClient(server, Wharf.unique("pub"), new MemoryPersistence());
    try {
      subscriber.connect(options);
      subscriber.subscribe("trucks/+/position", 1, (t, m) -> {
        if (t.equals(topic)) got.add(new String(m.getPayload(), StandardCharsets.UTF_8));
      });
      publisher.connect(options);
      for (int i = 0; i < 5; i++) publisher.publish(topic, ("pos " + i).getBytes(StandardCharsets.UTF_8), 1, false);
      List<String> received = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String m = got.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, "message " + i);
        received.add(m);
      }
      assertEquals(List.of("pos 0", "pos 1", "pos 2", "pos 3", "pos 4"), received);
    } finally {
      if (publisher.isConnected()) publisher.disconnect();
      if (subscriber.isConnected()) subscriber.disconnect();
      publisher.close();
      subscriber.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"4.2", "3.13"})
  void amqp091RabbitMqClient(String version) throws Exception {
    DescribeBrokerResponse d = version.equals("4.2") ? rabbit42 : rabbit313;
    String user = version.equals("4.2") ? rabbitUser42 : rabbitUser313;
    URI uri = endpoint(d, 0, "amqps", "amqp");
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    if (tls(uri)) {
      factory.useSslProtocol(SSLContext.getDefault()); // the run's truststore, not trust-everything
      factory.enableHostnameVerification();
    }
    factory.setUsername(user);
    factory.setPassword(PASSWORD);
    String queue = Wharf.unique("amqp091");
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      channel.queueDeclare(queue, true, false, false, null);
      for (int i = 0; i < 5; i++) channel.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, ("rabbit " + i).getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(10_000);
      assertEquals(5, channel.messageCount(queue));
      for (int i = 0; i < 5; i++) {
        GetResponse r = channel.basicGet(queue, false);
        assertNotNull(r, "message " + i);
        assertEquals("rabbit " + i, new String(r.getBody(), StandardCharsets.UTF_8));
        channel.basicAck(r.getEnvelope().getDeliveryTag(), false);
      }
      assertNull(channel.basicGet(queue, true));
      channel.queueDelete(queue);
    }
    // another broker's vhost is not this user's
    DescribeBrokerResponse other = version.equals("4.2") ? rabbit313 : rabbit42;
    ConnectionFactory wrong = factory.clone();
    wrong.setVirtualHost(endpoint(other, 0, "amqps", "amqp").getPath().substring(1));
    assertThrows(Exception.class, () -> wrong.newConnection().close());
  }
}
