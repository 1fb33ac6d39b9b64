from lindung.cli import run

run()
