from boards.cli import main

raise SystemExit(main())
