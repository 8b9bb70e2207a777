/* Test-only program for `pvf sandbox run`: sends one datagram through the socket inherited as
 * stdin to 127.0.0.1:<argv[1]>. It needs no socket() of its own, so only the refusal of
 * unsafe inherited stdio (src/sandbox/run-command.ts) can stop it. Exit 0 when sent. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sendto(0, "leak", 4, 0, (struct sockaddr *)&to, sizeof to) == 4 ? 0 : 1;
}
