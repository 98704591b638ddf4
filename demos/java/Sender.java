/*
 * The Java demos' plumbing, as demos/common.c is the C demos': the
 * connection, the step handshake, pacing, and the end of the transfer.
 * The command line was checked before this JVM started (zc-java, with the
 * C demos' own code), and arrives here one value per argument; the summary
 * is written by zc-java --finish, a child of this JVM, which computes the
 * checksum outside it: zcviz follows this process, and the checksum is not
 * part of the lesson.
 */
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public final class Sender {
	/** What a demo's loop gets, and what it counts. */
	public static final class Run {
		public final String path; /* the file to send */
		public final long size; /* its bytes when zc-java checked it */
		public final int chunk; /* bytes per call (--chunk) */
		public long sent; /* bytes the socket took so far */
		public long calls; /* the transfer's calls of the Java API */

		private final InetSocketAddress to;
		private final int connectMs;
		private final double rate; /* bytes a second, 0: full speed */
		private InputStream step; /* the step handshake, or null */
		private Socket socket;
		private SocketChannel channel;
		private long startNs;

		private Run(String[] a) throws IOException {
			to = new InetSocketAddress(a[0], Integer.parseInt(a[1]));
			chunk = (int) Math.min(Long.parseLong(a[2]), 1 << 30);
			rate = Double.parseDouble(a[3]);
			step = stepStream(Integer.parseInt(a[4]));
			connectMs = Integer.parseInt(a[5]);
			path = a[6];
			size = Long.parseLong(a[7]);
		}

		/** A connected java.net.Socket, for the stream demos. */
		public Socket socket() throws IOException {
			socket = new Socket();
			try {
				socket.connect(to, connectMs);
			} catch (IOException e) {
				throw connectFailed(e);
			}
			startNs = System.nanoTime();
			return socket;
		}

		/** A connected, blocking SocketChannel, for transferTo(). */
		public SocketChannel channel() throws IOException {
			channel = SocketChannel.open();
			try {
				channel.socket().connect(to, connectMs);
			} catch (IOException e) {
				throw connectFailed(e);
			}
			startNs = System.nanoTime();
			return channel;
		}

		/** With zcviz --step: one byte before each call of the API. */
		public void step() throws IOException {
			if (step != null && step.read() < 0)
				step = null; /* EOF: run freely from now on */
		}

		/** Sleeps as needed to keep --rate. */
		public void pace() throws InterruptedException {
			long due;

			if (rate <= 0)
				return;
			due = startNs + (long) (sent / rate * 1e9);
			for (long now; (now = System.nanoTime()) < due;)
				Thread.sleep((due - now) / 1000000,
					     (int) ((due - now) % 1000000));
		}

		/** The file ended before its size: it was changed meanwhile. */
		public IOException shrunk() {
			return new Failure("'" + path +
					       "' got shorter while it was being sent (" +
					       sent + " of " + size +
					       " bytes sent); do not change the file during a run");
		}

		private IOException connectFailed(IOException e) {
			String hp = to.getHostString() + ":" + to.getPort();

			return new Failure("cannot connect to " + hp + ": " +
					       e.getMessage() +
					       "; is zc-sink --listen " + hp +
					       " running?");
		}
	}

	/** A demo's loop: send run.size bytes of run.path. */
	public interface Loop {
		void send(Run run) throws IOException, InterruptedException;
	}

	private static final String PROGRAM = System.getProperty("zc.program");
	/* as long as the C senders wait for zc-sink's answer: zc-java
	 * passes --reply-timeout (ZC_REPLY_WAIT_S in lib/units.h unless
	 * given) */
	private static final int REPLY_WAIT_S =
		Integer.getInteger("zc.reply_wait_s");

	/* What we say went wrong, in our words (the rest: the JVM's). */
	private static final class Failure extends IOException {
		private static final long serialVersionUID = 1;

		Failure(String why) {
			super(why);
		}
	}

	/*
	 * zcviz gives the handshake as a file descriptor; Java has no public
	 * way to adopt one, so zc-java opens java.io to us (--add-opens).
	 */
	private static InputStream stepStream(int fd) throws IOException {
		FileDescriptor d = new FileDescriptor();

		if (fd < 0)
			return null;
		try {
			Field f = FileDescriptor.class.getDeclaredField("fd");
			f.setAccessible(true);
			f.setInt(d, fd);
		} catch (ReflectiveOperationException | RuntimeException e) {
			throw new Failure("cannot read --step-fd " + fd + ": " + e);
		}
		return new FileInputStream(d);
	}

	/*
	 * After our shutdown: zc-sink's one line, "received N bytes xxh3=X",
	 * into buf; "" when the receiver closed, or why reading it failed (a
	 * reset: the receiver went away), which zc-java --finish says.
	 */
	private static String reply(Run run, ByteBuffer buf) {
		/* the socket of a channel too: its stream keeps a timeout, so
		 * that a receiver that never answers cannot hold us for ever
		 * (zc-sink answers as soon as it has read our last byte) */
		Socket s = run.channel != null ? run.channel.socket() :
						 run.socket;
		int n;

		try {
			s.shutdownOutput();
			s.setSoTimeout(REPLY_WAIT_S * 1000);
			InputStream in = s.getInputStream();
			while (buf.hasRemaining() &&
			       (n = in.read(buf.array(), buf.position(),
					    buf.remaining())) > 0)
				buf.position(buf.position() + n);
		} catch (SocketTimeoutException e) {
			return "no answer within " + REPLY_WAIT_S + " s";
		} catch (IOException e) {
			return String.valueOf(e.getMessage());
		}
		return "";
	}

	/* zc-java --finish: the checksum and the summary, in a child. */
	private static int finish(Run run, long ns) throws Exception {
		Socket s = run.channel != null ? run.channel.socket() : run.socket;
		ByteBuffer buf = ByteBuffer.allocate(127);
		String error = reply(run, buf);
		String reply = new String(buf.array(), 0, buf.position(),
					  StandardCharsets.US_ASCII);
		double cpuMs = ProcessHandle.current().info().totalCpuDuration()
				       .map(d -> d.toNanos() / 1e6).orElse(0.0);
		List<String> cmd = new ArrayList<>(List.of(
			System.getProperty("zc.finish"), "--finish", PROGRAM,
			run.path, Long.toString(run.sent),
			Long.toString(run.calls), Integer.toString(run.chunk),
			Long.toString(ns), String.format("%.1f", cpuMs),
			s.getLocalAddress().getHostAddress(),
			s.getInetAddress().getHostAddress(), reply, error));

		return new ProcessBuilder(cmd).inheritIO().start().waitFor();
	}

	/* What the JVM threw, in the words the C demos use. */
	private static String failed(Run run, Exception e) {
		String why = String.valueOf(e.getMessage());
		String of = (run != null ? run.sent : 0) + " of " +
			    (run != null ? run.size : 0) + " bytes";

		if (why.contains("Broken pipe") || why.contains("Connection reset"))
			return "the receiver closed the connection after " + of +
				" (" + why + "); check that zc-sink is still running";
		return "the transfer failed after " + of + ": " + e;
	}

	/** A demo's main(): runs loop, says what failed, exits. */
	public static void main(String[] args, Loop loop) {
		Run run = null;
		int code = 1;

		try {
			run = new Run(args);
			loop.send(run);
			long ns = System.nanoTime() - run.startNs;
			if (run.sent != run.size)
				throw run.shrunk();
			code = finish(run, ns);
		} catch (Failure e) {
			System.err.println(PROGRAM + ": " + e.getMessage());
		} catch (Exception e) {
			System.err.println(PROGRAM + ": " + failed(run, e));
		}
		System.exit(code);
	}
}
