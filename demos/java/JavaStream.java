/*
 * java-stream: the article's "traditional" client, in its own language.
 *
 *   disk --DMA--> page cache --CPU copy--> JVM --CPU copy--> socket buffer --DMA--> NIC
 *                         read(2)         byte[]       write(2)
 *
 * FileInputStream.read() is one read(2) into memory of the JVM's, which it
 * then copies into the byte[] on the Java heap; OutputStream.write() copies
 * the byte[] out again and makes one write(2) (two, past 128 KiB). Those
 * heap copies are the JVM's own: no syscall and no tracepoint sees them, so
 * zcviz counts the kernel's two copies and says nothing of the JVM's.
 */
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

public final class JavaStream {
	static void send(Sender.Run run) throws IOException, InterruptedException {
		byte[] buf = new byte[run.chunk]; /* the application's buffer */
		OutputStream out = run.socket().getOutputStream();

		try (InputStream in = new FileInputStream(run.path)) {
			while (run.sent < run.size) {
				int len = (int) Math.min(run.chunk, run.size - run.sent);
				run.step();
				/* CPU copy 1: page cache -> the JVM -> buf */
				int n = in.read(buf, 0, len);
				if (n < 0)
					throw run.shrunk();
				run.step();
				/* CPU copy 2: buf -> the JVM -> socket buffer */
				out.write(buf, 0, n);
				run.calls += 2;
				run.sent += n;
				run.pace();
			}
		}
	}

	public static void main(String[] args) {
		Sender.main(args, JavaStream::send);
	}
}
