/*
 * dma-gather: sendfile() to a device WITH scatter-gather. The socket
 * buffer holds only references to page-cache pages, and the NIC gathers
 * them by DMA: the CPU copies nothing.
 *
 *   disk --DMA--> page cache ---------DMA gather---------> NIC
 *                          sendfile()   (socket buffer: page references)
 *
 * Per chunk: 1 syscall (2 mode switches) and 0 CPU copies. The code is
 * the sendfile demo's, the very same loop; what changes is the device.
 * This program's row in the demo table (lib/demos.c) makes it check the
 * device and warn when it cannot gather.
 */
#include "sendfile.c"
