// An OpenWire client (ActiveMQ's own JMS client, from tools/brokers/activemq/lib) for tests in Node, which has
// no OpenWire library. One JVM tries each login in turn (a JVM start is slow on a loaded machine): connects,
// sends one persistent message to a queue and reads it back.
//   java -cp 'tools/brokers/activemq/lib/*' OpenWireLogin.java <broker-url> <queue> <login>...
// A login is "user:password", or "-" for none. Prints one line per login: "ok", or the refusal (exception
// class and message).
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

public class OpenWireLogin {
  public static void main(String[] args) {
    ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(args[0]);
    for (int i = 2; i < args.length; i++) System.out.println(attempt(factory, args[1], args[i]));
    System.exit(0);
  }

  static String attempt(ActiveMQConnectionFactory factory, String queue, String login) {
    int colon = login.indexOf(':');
    try (Connection connection = colon < 0 ? factory.createConnection() : factory.createConnection(login.substring(0, colon), login.substring(colon + 1))) {
      connection.start();
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      MessageProducer producer = session.createProducer(session.createQueue(queue));
      producer.setDeliveryMode(DeliveryMode.PERSISTENT);
      producer.send(session.createTextMessage("openwire"));
      Message m = session.createConsumer(session.createQueue(queue)).receive(10_000);
      if (!(m instanceof TextMessage t) || !"openwire".equals(t.getText())) return "message not read back: " + m;
      return "ok";
    } catch (Exception e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }
}
