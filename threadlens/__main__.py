from threadlens.cli import main

main()
