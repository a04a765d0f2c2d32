#include "cli/cli.h"

int main(int argc, char** argv) { return bx::RunCli(argc, argv); }
