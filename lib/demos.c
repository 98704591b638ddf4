/*
 * The demos, one row each. See demos.h.
 */
#include "demos.h"

#include <string.h>

const struct zc_demo zc_demos[] = {
	{
		.name = "traditional",
		.classic = true,
		.program = "zc-traditional",
		.syscalls = "read write",
		.counted = "read+write",
		.sg = true,
		.copies = { 3, 2 },
		.title = "read() + write()",
		.brief = "read() + write()",
		.what = "Send FILE over TCP with read() + write(): every byte is copied from the\n"
			"page cache into this program's buffer, then from the buffer into the socket.",
		.card = "read() + write(): every chunk comes up from the page cache into the\n"
			"program's buffer, and goes back down into the socket buffer.\n\n"
			"Predict before it runs: how many CPU copies of the file? how many\n"
			"syscalls and mode switches per chunk?\n\n"
			"The textbook: 2 copies, 2 syscalls and 4 mode switches per chunk.",
	},
	{
		.name = "mmap",
		.classic = true,
		.program = "zc-mmap",
		.syscalls = "mmap write",
		.counted = "write",
		.sg = true,
		.copies = { 2, 1 },
		.title = "mmap() + write()",
		.brief = "mmap() + write()",
		.what = "Send FILE over TCP with mmap() + write(): the file's pages are mapped into\n"
			"this program instead of copied; write() copies them once into the socket.",
		.card = "mmap() + write(): the file's pages are mapped into the program, not\n"
			"copied; write() copies them once into the socket buffer.\n\n"
			"Predict: copies of the file? syscalls per chunk? page faults?\n\n"
			"The textbook: 1 copy, 1 syscall and 2 mode switches per chunk.",
	},
	{
		.name = "sendfile",
		.classic = true,
		.program = "zc-sendfile",
		.syscalls = "sendfile",
		.counted = "sendfile",
		.sg = false,
		.copies = { 1, 0 },
		.title = "sendfile() to a device without scatter-gather",
		.brief = "sendfile(), no scatter-gather",
		.what = "Send FILE over TCP with sendfile(): the kernel passes page-cache pages to the\n"
			"socket. Run it on a device without scatter-gather to see the one copy left.",
		.card = "sendfile() to a device WITHOUT scatter-gather: no byte comes up to\n"
			"user space, but the device cannot gather scattered pages.\n\n"
			"Predict: copies of the file? where does the copy happen today?\n\n"
			"The textbook: 1 copy (page cache -> socket buffer), 2 mode switches\n"
			"per chunk.",
	},
	{
		.name = "dma-gather",
		.classic = true,
		.program = "zc-dma-gather",
		.syscalls = "sendfile",
		.counted = "sendfile",
		.sg = true,
		.wants_gather = true,
		.copies = { 1, 0 },
		.title = "sendfile() to a device that gathers (DMA)",
		.brief = "sendfile(), the NIC gathers",
		.what = "Send FILE over TCP with sendfile() to a device with scatter-gather: the NIC\n"
			"gathers page-cache pages itself and the CPU copies nothing. The summary says\n"
			"whether the egress device can gather.",
		.card = "sendfile() to a device WITH scatter-gather: the socket buffer holds\n"
			"page references and the NIC gathers the pages itself.\n\n"
			"Predict: copies of the file? what moves the bytes?\n\n"
			"The textbook: 0 CPU copies; DMA from the page cache to the NIC.",
	},
	{
		.name = "splice",
		.program = "zc-splice",
		.syscalls = "splice",
		.counted = "splice",
		.sg = true,
		.copies = { 1, 0 },
		.title = "splice(): file -> pipe -> socket",
		.brief = "splice() through a pipe",
		.what = "Send FILE over TCP with splice(), through a pipe: the file's pages go into the\n"
			"pipe by reference and on into the socket by reference; no byte comes up to\n"
			"user space, and on a device that gathers the CPU copies nothing.",
		.card = "splice(): the file goes into a pipe and the pipe into the socket, two\n"
			"syscalls per chunk, like read() + write(), but the pipe holds only\n"
			"references to the page-cache pages.\n\n"
			"Predict: copies of the file? syscalls and mode switches per chunk?\n\n"
			"The textbook: 0 CPU copies, 2 syscalls and 4 mode switches per chunk.",
	},
	{
		.name = "java-stream",
		.program = "zc-java-stream",
		.java_class = "JavaStream",
		.syscalls = "read write",
		.counted = "read+write",
		.sg = true,
		.copies = { 3, 2 },
		.title = "Java: FileInputStream.read() + OutputStream.write()",
		.brief = "Java streams, byte[]",
		.what = "Send FILE over TCP from Java the article's traditional way: FileInputStream.read()\n"
			"into a byte[], OutputStream.write() of it to the socket (demos/java/JavaStream.java).",
		.card = "The article's own traditional code, in Java: read() into a byte[]\n"
			"and write() it to the socket's OutputStream.\n\n"
			"Predict: copies of the file the kernel sees? does the JVM's heap add\n"
			"any the tracepoints can see?\n\n"
			"The textbook: 2 copies, 2 syscalls and 4 mode switches per chunk.",
	},
	{
		.name = "java-transferto",
		.program = "zc-java-transferto",
		.java_class = "JavaTransferTo",
		.syscalls = "sendfile",
		.counted = "transferTo",
		.sg = true,
		.wants_gather = true,
		.copies = { 1, 0 },
		.title = "Java: FileChannel.transferTo(SocketChannel)",
		.brief = "Java transferTo()",
		.what = "Send FILE over TCP from Java with FileChannel.transferTo() to a SocketChannel,\n"
			"the article's zero copy: the JVM calls sendfile() (demos/java/JavaTransferTo.java).",
		.card = "The article's zero copy, in Java: FileChannel.transferTo() into a\n"
			"SocketChannel.\n\n"
			"Predict: which syscall does the JVM make? copies of the file?\n\n"
			"The textbook: sendfile(); 0 CPU copies on a device that gathers.",
	},
	{
		.name = "java-transferto-stream",
		.program = "zc-java-transferto-stream",
		.java_class = "JavaTransferToStream",
		.syscalls = "pread64 write",
		.counted = "transferTo",
		.sg = true,
		.copies = { 3, 2 },
		.title = "Java: transferTo(Channels.newChannel(OutputStream))",
		.brief = "Java transferTo(), a stream",
		.what = "Send FILE over TCP from Java with FileChannel.transferTo() into a channel made\n"
			"from the socket's OutputStream: the JVM cannot sendfile() there, and falls back\n"
			"to pread() + write() (demos/java/JavaTransferToStream.java).",
		.card = "transferTo() again, the same call, but into Channels.newChannel() of\n"
			"the socket's OutputStream, as code that is handed a stream does.\n\n"
			"Predict: still zero copy? which syscalls?\n\n"
			"The textbook says nothing: transferTo() is zero copy, it says.",
	},
	{
		.name = "msg-zerocopy",
		.program = "zc-msg-zerocopy",
		.syscalls = "mmap sendto",
		.counted = "send",
		.sg = true,
		.wants_gather = true,
		.pins_user_pages = true,
		.copies = { 1, 0 },
		.title = "send(MSG_ZEROCOPY) from the mapped file",
		.brief = "send(MSG_ZEROCOPY)",
		.what = "Send FILE over TCP with send(MSG_ZEROCOPY) from a mapping of it: the socket\n"
			"pins the mapped pages instead of copying them, and the kernel answers on the\n"
			"socket's error queue when it is done with them, and whether it copied them\n"
			"after all (it does when the receiver is on this machine).",
		.card = "send(MSG_ZEROCOPY): the file is mapped, and the socket pins the\n"
			"mapped pages instead of copying them; the kernel answers later, on\n"
			"the socket's error queue, when it is done with them.\n\n"
			"Predict: copies of the file, with the receiver on this machine?\n"
			"what will the kernel answer?\n\n"
			"The textbook: 0 CPU copies and 1 syscall per chunk, plus the answers.",
	},
	{
		.name = "io-uring-zc",
		.program = "zc-io-uring-zc",
		.syscalls = "mmap io_uring_enter",
		.counted = "SEND_ZC",
		.sg = true,
		.wants_gather = true,
		.needs_check = true,
		.batches = true,
		.pins_user_pages = true,
		.copies = { 1, 0 },
		.title = "io_uring SEND_ZC from the mapped file",
		.brief = "io_uring SEND_ZC",
		.what = "Send FILE over TCP with io_uring's IORING_OP_SEND_ZC from a mapping of it,\n"
			"--batch requests per io_uring_enter(): the socket pins the mapped pages\n"
			"instead of copying them, and a notification for each request says when the\n"
			"kernel is done with them, and whether it copied them after all.",
		.card = "io_uring SEND_ZC: the same pinned pages as MSG_ZEROCOPY, but the\n"
			"requests go in through a ring, several per syscall, and the answers\n"
			"come back through it too.\n\n"
			"Predict: syscalls per chunk, with --batch 16? copies of the file,\n"
			"with the receiver on this machine?\n\n"
			"The textbook: 0 CPU copies, far below 1 syscall per chunk.",
	},
};

const int zc_ndemos = sizeof(zc_demos) / sizeof(zc_demos[0]);
_Static_assert(sizeof(zc_demos) / sizeof(zc_demos[0]) <= ZC_MAX_DEMOS,
	       "more demos than ZC_MAX_DEMOS");

const struct zc_demo *zc_demo_find(const char *name)
{
	for (int i = 0; i < zc_ndemos; i++)
		if (!strcmp(zc_demos[i].name, name))
			return &zc_demos[i];
	return NULL;
}

const struct zc_demo *zc_demo_of_program(const char *program)
{
	for (int i = 0; i < zc_ndemos; i++)
		if (!strcmp(zc_demos[i].program, program))
			return &zc_demos[i];
	return NULL;
}

bool zc_demo_may_lack(const struct zc_demo *d)
{
	return d && (d->java_class || d->needs_check);
}

int zc_demo_index(const struct zc_demo *d)
{
	return d >= zc_demos && d < zc_demos + zc_ndemos ? (int)(d - zc_demos) :
							   -1;
}

/* Several demos under one name. */
static const struct {
	const char *name, *what;
	bool classic; /* only the rows that are */
} selections[] = {
	{ "all", "every demo", false },
	{ "classic", "the article's four", true },
};

const char *zc_selection_name(int i, const char **what)
{
	if (i < 0 || i >= (int)(sizeof(selections) / sizeof(selections[0])))
		return NULL;
	if (what)
		*what = selections[i].what;
	return selections[i].name;
}

bool zc_is_selection(const char *name)
{
	for (int i = 0; zc_selection_name(i, NULL); i++)
		if (!strcmp(selections[i].name, name))
			return true;
	return false;
}

bool zc_demo_selected(const char *name, const struct zc_demo *d)
{
	for (int i = 0; zc_selection_name(i, NULL); i++)
		if (!strcmp(selections[i].name, name))
			return !selections[i].classic || d->classic;
	return !strcmp(d->name, name);
}
