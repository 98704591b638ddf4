/*
 * java-transferto: the article's zero copy. FileChannel.transferTo() into
 * a SocketChannel is one sendfile(2): the socket takes references to the
 * page-cache pages, and a NIC that gathers reads them itself.
 *
 *   disk --DMA--> page cache --references--> socket buffer --DMA gather--> NIC
 *                          transferTo() = sendfile(2)
 *
 * The article sends the whole file in one transferTo(); the loop sends a
 * chunk per call, as the C demos do, so that --chunk and --step mean the
 * same here.
 */
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

public final class JavaTransferTo {
	static void send(Sender.Run run) throws IOException, InterruptedException {
		SocketChannel socket = run.channel();

		try (FileChannel file = FileChannel.open(Path.of(run.path))) {
			while (run.sent < run.size) {
				long len = Math.min(run.chunk, run.size - run.sent);
				run.step();
				/* no copy by the CPU: page references, then DMA */
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
		Sender.main(args, JavaTransferTo::send);
	}
}
