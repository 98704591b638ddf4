/*
 * java-transferto-stream: the same transferTo(), into a channel made from
 * the socket's OutputStream, as code does that is handed a stream. The
 * JVM can sendfile(2) only into a channel it knows has a descriptor; this
 * one it does not, so it falls back, silently, to a loop of 8 KiB pread(2)
 * into a buffer of its own and write(2) out of it: two CPU copies, like
 * read() + write(), under the name of zero copy. Only a measurement shows.
 *
 *   disk --DMA--> page cache --CPU copy--> JVM --CPU copy--> socket buffer --DMA--> NIC
 *                          pread(2), 8 KiB        write(2)
 */
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

public final class JavaTransferToStream {
	static void send(Sender.Run run) throws IOException, InterruptedException {
		WritableByteChannel socket =
			Channels.newChannel(run.socket().getOutputStream());

		try (FileChannel file = FileChannel.open(Path.of(run.path))) {
			while (run.sent < run.size) {
				long len = Math.min(run.chunk, run.size - run.sent);
				run.step();
				/* looks like the zero copy; is pread() + write() */
				long n = file.transferTo(run.sent, len, socket);
				if (n <= 0)
					throw run.shrunk();
				run.calls++;
				run.sent += n;
				run.pace();
			}
		}
	}

	public static void main(String[] args) {
		Sender.main(args, JavaTransferToStream::send);
	}
}
